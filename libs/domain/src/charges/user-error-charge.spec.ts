import { standardTerms, at, loggedEvent } from '../testing/fixtures';
import { ExistingTicket, ticketStateOf } from '../ticket/ticket';
import { TicketEvent } from '../ticket/ticket-events';
import { userErrorChargeOf } from './user-error-charge';

const event = (type: TicketEvent['type'], data: object) =>
  at('2026-03-02T10:00:00+01:00', { type, schemaVersion: 1, data } as TicketEvent);
const ticketWith = (...events: ReturnType<typeof event>[]) =>
  ticketStateOf([at('2026-03-02T09:00:00+01:00', loggedEvent()), ...events]) as ExistingTicket;

describe('the charge of a user error', () => {
  it('is a fixed fee for a fixed-price category', () => {
    const ticket = ticketWith(
      event('ReclassifiedAsUserError', {
        category: 'password_reset',
        reason: 'forgot',
        previousKind: 'incident',
      }),
    );
    expect(userErrorChargeOf(ticket, standardTerms.rateCard)).toMatchObject({
      currency: 'EUR',
      pricing: 'fixed',
      amountMinor: 2500,
      chargedMinor: 2500,
      waived: false,
    });
  });

  it('is effort rounded up to the increment times the hourly rate', () => {
    // 50 minutes -> 60 billed (15-minute increments) at EUR 90.00/h = EUR 90.00; 7 more -> 75 billed = 112.50.
    const ticket = ticketWith(
      event('ReclassifiedAsUserError', {
        category: 'data_correction',
        reason: 'typo',
        previousKind: 'incident',
      }),
      event('EffortLogged', { minutes: 50, note: '' }),
    );
    expect(userErrorChargeOf(ticket, standardTerms.rateCard)).toMatchObject({
      billedMinutes: 60,
      amountMinor: 9000,
    });
    const more = ticketWith(
      event('ReclassifiedAsUserError', {
        category: 'data_correction',
        reason: 'typo',
        previousKind: 'incident',
      }),
      event('EffortLogged', { minutes: 50, note: '' }),
      event('EffortLogged', { minutes: 7, note: '' }),
    );
    expect(userErrorChargeOf(more, standardTerms.rateCard)).toMatchObject({
      billedMinutes: 60,
      amountMinor: 9000,
    });
    const over = ticketWith(
      event('ReclassifiedAsUserError', {
        category: 'data_correction',
        reason: 'typo',
        previousKind: 'incident',
      }),
      event('EffortLogged', { minutes: 61, note: '' }),
    );
    expect(userErrorChargeOf(over, standardTerms.rateCard)).toMatchObject({
      billedMinutes: 75,
      amountMinor: 11250,
    });
  });

  it('rounds a fraction of a minor unit half up', () => {
    // EUR 0.99/h for 15 minutes = 24.75 cents -> 25.
    const rateCard = {
      currency: 'EUR',
      categories: { tiny: { pricing: 'hourly' as const, hourlyRateMinor: 99, incrementMinutes: 15 } },
    };
    const ticket = ticketWith(
      event('ReclassifiedAsUserError', { category: 'tiny', reason: '', previousKind: 'incident' }),
      event('EffortLogged', { minutes: 1, note: '' }),
    );
    expect(userErrorChargeOf(ticket, rateCard)).toMatchObject({ billedMinutes: 15, amountMinor: 25 });
  });

  it('charges nothing when waived, but keeps the price and who approved', () => {
    const ticket = ticketWith(
      event('ReclassifiedAsUserError', {
        category: 'password_reset',
        reason: 'forgot',
        previousKind: 'incident',
      }),
      event('ChargeWaived', { reason: 'goodwill', approverId: 'mgr-1' }),
    );
    expect(userErrorChargeOf(ticket, standardTerms.rateCard)).toMatchObject({
      amountMinor: 2500,
      chargedMinor: 0,
      waived: true,
      waiver: { reason: 'goodwill', approverId: 'mgr-1' },
    });
  });

  it('is nothing for an incident, including after the reclassification was revoked', () => {
    expect(userErrorChargeOf(ticketWith(), standardTerms.rateCard)).toBeNull();
    const revoked = ticketWith(
      event('ReclassifiedAsUserError', {
        category: 'password_reset',
        reason: 'forgot',
        previousKind: 'incident',
      }),
      event('UserErrorReclassificationRevoked', { reason: 'real fault', restoredKind: 'incident' }),
    );
    expect(userErrorChargeOf(revoked, standardTerms.rateCard)).toBeNull();
  });
});
