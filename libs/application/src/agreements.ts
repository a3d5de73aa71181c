import {
  AgreementCommand,
  AgreementTerms,
  agreementVersion,
  AgreementState,
  Principal,
  decideAgreement,
  evolveAgreement,
  initialAgreementState,
  extended,
} from '@app/domain';
import { EventStore } from '@app/event-store';
import { ForbiddenError, NotFoundError } from './application-errors';
import { Clock } from './clock';
import { agreementStreamId, toAgreementEvent } from './event-mapping';
import { CommandOptions, CommandResult, executeOnStream, newAggregateId } from './stream-command-executor';

/**
 * Loads agreements, keeping each folded state in memory and reading only the events appended since:
 * published versions never change, so the cache can only be behind, never wrong.
 */
export class AgreementRepository {
  private readonly cache = new Map<string, { state: AgreementState; revision: number }>();

  constructor(private readonly store: EventStore) {}

  async load(agreementId: string): Promise<AgreementState> {
    const cached = this.cache.get(agreementId) ?? { state: initialAgreementState, revision: -1 };
    const newer = await this.store.readStream(agreementStreamId(agreementId), {
      fromRevision: cached.revision + 1,
    });
    if (newer.length === 0) return cached.state;
    const state = newer.map(toAgreementEvent).reduce(evolveAgreement, cached.state);
    this.cache.set(agreementId, { state, revision: newer[newer.length - 1].streamRevision });
    return state;
  }

  /** The terms of one version of an agreement (what a ticket bound to it is measured by). */
  async termsOf(agreementId: string, version: number): Promise<AgreementTerms> {
    return agreementVersion(await this.loadWithVersion(agreementId, version), version).terms;
  }

  /** Like load, but answers from memory when the cached state already holds that (immutable) version. */
  async loadWithVersion(agreementId: string, version: number): Promise<AgreementState> {
    const cached = this.cache.get(agreementId)?.state;
    if (cached?.exists && cached.versions.some((candidate) => candidate.version === version)) return cached;
    return this.load(agreementId);
  }
}

export type AgreementCommandOptions = CommandOptions & { readonly principal: Principal };

export class AgreementCommands {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** Creates an agreement; the id is new, or derived from the idempotency key so that a retry finds it. */
  async create(
    data: Omit<Extract<AgreementCommand, { type: 'CreateAgreement' }>['data'], 'agreementId'>,
    options: AgreementCommandOptions,
  ): Promise<CommandResult & { agreementId: string }> {
    const agreementId = newAggregateId('agreement', options);
    const result = await this.execute(
      agreementId,
      { type: 'CreateAgreement', data: extended(data, { agreementId }) },
      options,
    );
    return extended(result, { agreementId });
  }

  execute(
    agreementId: string,
    command: AgreementCommand,
    options: AgreementCommandOptions,
  ): Promise<CommandResult> {
    return executeOnStream(
      this.store,
      this.clock,
      {
        streamId: agreementStreamId(agreementId),
        fingerprintSource: command,
        fold: (stored) => stored.map(toAgreementEvent).reduce(evolveAgreement, initialAgreementState),
        decide: async (state) => {
          if (options.principal.role !== 'admin')
            throw new ForbiddenError('only an admin manages agreements');
          if (command.type !== 'CreateAgreement' && !state.exists) {
            throw new NotFoundError('agreement_not_found', `agreement ${agreementId} does not exist`);
          }
          return decideAgreement(command, state);
        },
      },
      options,
    );
  }
}
