import { DomainError, assertNever } from '../shared/domain-error';
import { IsoInstant, toMs } from '../shared/time';
import { AgreementTerms, agreementTermsProblems } from './agreement-terms';

export const AGREEMENT_EVENT_SCHEMA_VERSION = 1;

// ---- events -------------------------------------------------------------------------------------------

export type AgreementCreated = {
  readonly type: 'AgreementCreated';
  readonly schemaVersion: 1;
  readonly data: {
    readonly agreementId: string;
    readonly customerId: string;
    readonly name: string;
    readonly services: readonly string[];
  };
};

export type AgreementVersionPublished = {
  readonly type: 'AgreementVersionPublished';
  readonly schemaVersion: 1;
  readonly data: {
    readonly agreementId: string;
    /** 1, 2, 3... in publication order. */
    readonly version: number;
    readonly effectiveFrom: IsoInstant;
    readonly terms: AgreementTerms;
  };
};

export type AgreementEvent = AgreementCreated | AgreementVersionPublished;
export const AGREEMENT_EVENT_TYPES: readonly AgreementEvent['type'][] = [
  'AgreementCreated',
  'AgreementVersionPublished',
];

// ---- commands -----------------------------------------------------------------------------------------

export type CreateAgreement = {
  readonly type: 'CreateAgreement';
  readonly data: AgreementCreated['data'];
};

export type PublishAgreementVersion = {
  readonly type: 'PublishAgreementVersion';
  readonly data: { readonly effectiveFrom: IsoInstant; readonly terms: AgreementTerms };
};

export type AgreementCommand = CreateAgreement | PublishAgreementVersion;

// ---- state --------------------------------------------------------------------------------------------

export interface AgreementVersion {
  readonly version: number;
  readonly effectiveFrom: IsoInstant;
  readonly terms: AgreementTerms;
}

export type AgreementState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly agreementId: string;
      readonly customerId: string;
      readonly name: string;
      readonly services: readonly string[];
      /** Ordered by effectiveFrom, which is also publication order. */
      readonly versions: readonly AgreementVersion[];
    };

export const initialAgreementState: AgreementState = { exists: false };

export function evolveAgreement(state: AgreementState, event: AgreementEvent): AgreementState {
  switch (event.type) {
    case 'AgreementCreated':
      return { exists: true, ...event.data, versions: [] };
    case 'AgreementVersionPublished': {
      if (!state.exists) return state;
      const { version, effectiveFrom, terms } = event.data;
      return { ...state, versions: [...state.versions, { version, effectiveFrom, terms }] };
    }
    default:
      return assertNever(event, 'agreement event');
  }
}

export function decideAgreement(command: AgreementCommand, state: AgreementState): AgreementEvent[] {
  switch (command.type) {
    case 'CreateAgreement': {
      if (state.exists) {
        throw new DomainError('agreement_already_exists', `agreement ${state.agreementId} already exists`);
      }
      if (command.data.services.length === 0) {
        throw new DomainError('invalid_agreement', 'an agreement covers at least one service');
      }
      return [
        {
          type: 'AgreementCreated',
          schemaVersion: 1,
          data: { ...command.data, services: [...new Set(command.data.services)] },
        },
      ];
    }
    case 'PublishAgreementVersion': {
      if (!state.exists) throw new DomainError('agreement_not_found', 'the agreement does not exist');
      const problems = agreementTermsProblems(command.data.terms);
      if (problems.length > 0)
        throw new DomainError('invalid_agreement_terms', problems.join('; '), { problems });
      const latest = state.versions[state.versions.length - 1];
      if (latest && toMs(command.data.effectiveFrom) <= toMs(latest.effectiveFrom)) {
        throw new DomainError(
          'version_not_after_latest',
          `a new version must take effect after version ${latest.version} (effective ${latest.effectiveFrom})`,
        );
      }
      return [
        {
          type: 'AgreementVersionPublished',
          schemaVersion: 1,
          data: {
            agreementId: state.agreementId,
            version: state.versions.length + 1,
            effectiveFrom: new Date(toMs(command.data.effectiveFrom)).toISOString(),
            terms: command.data.terms,
          },
        },
      ];
    }
    default:
      return assertNever(command, 'agreement command');
  }
}

/** The version a ticket logged at `atMs` is measured by: the latest one effective at that instant. */
export function versionInForce(state: AgreementState, atMs: number): AgreementVersion {
  if (!state.exists) throw new DomainError('agreement_not_found', 'the agreement does not exist');
  let inForce: AgreementVersion | undefined;
  for (const version of state.versions) {
    if (toMs(version.effectiveFrom) <= atMs) inForce = version;
  }
  if (!inForce) {
    throw new DomainError(
      'no_agreement_version_in_force',
      `agreement ${state.agreementId} has no version in force at ${new Date(atMs).toISOString()}`,
    );
  }
  return inForce;
}

export function agreementVersion(state: AgreementState, version: number): AgreementVersion {
  const found = state.exists ? state.versions.find((candidate) => candidate.version === version) : undefined;
  if (!found)
    throw new DomainError('agreement_version_not_found', `agreement version ${version} does not exist`);
  return found;
}
