import { DomainError } from '../shared/domain-error';
import { acmeAgreement, agreementHistory, standardTerms } from '../testing/fixtures';
import { decideAgreement, initialAgreementState, versionInForce } from './agreement';

const refusal = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a refusal');
};

describe('SLA agreements', () => {
  it('are created once, for a customer and its services', () => {
    const create = { type: 'CreateAgreement' as const, data: agreementHistory[0].data as never };
    expect(decideAgreement(create, initialAgreementState)).toEqual([agreementHistory[0]]);
    expect(refusal(() => decideAgreement(create, acmeAgreement)).code).toBe('agreement_already_exists');
  });

  it('publish numbered versions, each taking effect after the previous one', () => {
    const publish = (effectiveFrom: string) =>
      decideAgreement(
        { type: 'PublishAgreementVersion', data: { effectiveFrom, terms: standardTerms } },
        acmeAgreement,
      );
    expect(publish('2026-07-01T00:00:00+02:00')).toEqual([
      {
        type: 'AgreementVersionPublished',
        schemaVersion: 1,
        data: {
          agreementId: 'agr-acme',
          version: 2,
          effectiveFrom: '2026-06-30T22:00:00.000Z',
          terms: standardTerms,
        },
      },
    ]);
    expect(refusal(() => publish('2025-06-01T00:00:00Z')).code).toBe('version_not_after_latest');
  });

  it('refuse terms that cannot be measured, naming each problem', () => {
    const broken = {
      ...standardTerms,
      calendar: { ...standardTerms.calendar, timeZone: 'Nowhere/Land' },
      followUp: { reminderAfterBusinessDays: 5, managerContactAfterBusinessDays: 2 },
      rateCard: { currency: 'euro', categories: { reset: { pricing: 'fixed' as const, feeMinor: -1 } } },
    };
    const error = refusal(() =>
      decideAgreement(
        { type: 'PublishAgreementVersion', data: { effectiveFrom: '2027-01-01T00:00:00Z', terms: broken } },
        acmeAgreement,
      ),
    );
    expect(error.code).toBe('invalid_agreement_terms');
    expect(error.details.problems).toEqual([
      'calendar: unknown IANA time zone "Nowhere/Land"',
      'followUp.managerContactAfterBusinessDays must be after reminderAfterBusinessDays',
      'rateCard.currency "euro" is not an ISO 4217 code',
      'rateCard.categories.reset: a fixed fee needs feeMinor >= 0; hourly needs hourlyRateMinor >= 0 and incrementMinutes >= 1 (whole numbers)',
    ]);
  });

  it('measure a ticket by the version in force when it was logged', () => {
    const state = {
      ...acmeAgreement,
      versions: [
        ...(acmeAgreement.exists ? acmeAgreement.versions : []),
        { version: 2, effectiveFrom: '2026-07-01T00:00:00.000Z', terms: standardTerms },
      ],
    };
    expect(versionInForce(state, Date.parse('2026-06-30T23:59:59Z')).version).toBe(1);
    expect(versionInForce(state, Date.parse('2026-07-01T00:00:00Z')).version).toBe(2);
    expect(refusal(() => versionInForce(state, Date.parse('2025-01-01T00:00:00Z'))).code).toBe(
      'no_agreement_version_in_force',
    );
  });
});
