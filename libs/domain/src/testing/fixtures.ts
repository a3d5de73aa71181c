/** Shared test fixtures: a realistic agreement, a requester and helpers to build histories. Not exported by the lib. */
import {
  AgreementEvent,
  AgreementState,
  evolveAgreement,
  initialAgreementState,
} from '../agreement/agreement';
import { AgreementTerms } from '../agreement/agreement-terms';
import { BusinessCalendar } from '../calendar/business-calendar';
import { TicketCommand } from '../ticket/ticket-commands';
import { TicketEvent, TimedTicketEvent, Requester } from '../ticket/ticket-events';

export const officeHours = [{ from: '09:00', to: '17:00' }];

/** Amsterdam office: Monday to Friday 09:00-17:00, closed on Christmas. */
export const amsterdamOffice: BusinessCalendar = {
  timeZone: 'Europe/Amsterdam',
  workingHours: {
    monday: officeHours,
    tuesday: officeHours,
    wednesday: officeHours,
    thursday: officeHours,
    friday: officeHours,
  },
  holidays: ['2026-12-25', '2026-12-26'],
};

export const standardTerms: AgreementTerms = {
  calendar: amsterdamOffice,
  targets: {
    P1: { responseMinutes: 30, resolutionMinutes: 240 },
    P2: { responseMinutes: 60, resolutionMinutes: 480 },
    P3: { responseMinutes: 240, resolutionMinutes: 1440 },
    P4: { responseMinutes: 480, resolutionMinutes: 2400 },
  },
  pausingStates: ['awaiting_user'],
  autoCloseAfterBusinessDays: 3,
  followUp: { reminderAfterBusinessDays: 2, managerContactAfterBusinessDays: 5 },
  customerUpdateIntervalMinutes: { P1: 60, P2: 120, P3: 480, P4: 960 },
  rateCard: {
    currency: 'EUR',
    categories: {
      password_reset: { pricing: 'fixed', feeMinor: 2500 },
      data_correction: { pricing: 'hourly', hourlyRateMinor: 9000, incrementMinutes: 15 },
    },
  },
};

export const agreementHistory: AgreementEvent[] = [
  {
    type: 'AgreementCreated',
    schemaVersion: 1,
    data: {
      agreementId: 'agr-acme',
      customerId: 'acme',
      name: 'ACME workplace',
      services: ['email', 'laptops'],
    },
  },
  {
    type: 'AgreementVersionPublished',
    schemaVersion: 1,
    data: {
      agreementId: 'agr-acme',
      version: 1,
      effectiveFrom: '2026-01-01T00:00:00.000Z',
      terms: standardTerms,
    },
  },
];

export const acmeAgreement: AgreementState = agreementHistory.reduce(evolveAgreement, initialAgreementState);

export const requester: Requester = {
  id: 'req-ann',
  name: 'Ann Example',
  email: 'ann@acme.example',
  manager: { id: 'mgr-bob', name: 'Bob Boss', email: 'bob@acme.example' },
};

export function loggedEvent(overrides: Partial<Extract<TicketEvent, { type: 'TicketLogged' }>['data']> = {}) {
  return {
    type: 'TicketLogged',
    schemaVersion: 1,
    data: {
      ticketId: 't-1',
      kind: 'incident',
      customerId: 'acme',
      service: 'email',
      priority: 'P2',
      channel: 'portal',
      requester,
      summary: 'Mailbox does not open',
      description: '',
      agreementId: 'agr-acme',
      agreementVersion: 1,
      ...overrides,
    },
  } as const satisfies TicketEvent;
}

/** Stamp events with times: `at('2026-03-02T09:00:00+01:00', event)`. */
export function at(instant: string, event: TicketEvent): TimedTicketEvent {
  return { ...event, occurredAt: new Date(instant).toISOString() };
}

/** The command that logs the ticket of `loggedEvent()`. */
export function logTicketCommand(): TicketCommand {
  const { agreementVersion: _version, ...data } = loggedEvent().data;
  return { type: 'LogTicket', data };
}
