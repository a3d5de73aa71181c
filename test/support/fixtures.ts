/** Request bodies for the e2e suites: an agreement for ACME and a ticket logged against it. */
const officeHours = [{ from: '09:00', to: '17:00' }];

export const acmeTerms = {
  calendar: {
    timeZone: 'Europe/Amsterdam',
    workingHours: {
      monday: officeHours,
      tuesday: officeHours,
      wednesday: officeHours,
      thursday: officeHours,
      friday: officeHours,
    },
    holidays: ['2026-12-25', '2026-12-26'],
  },
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

export const ticketBody = (agreementId: string, overrides: object = {}) => ({
  kind: 'incident',
  customerId: 'acme',
  service: 'email',
  priority: 'P2',
  channel: 'portal',
  requester: {
    id: 'req-ann',
    name: 'Ann Example',
    email: 'ann@acme.example',
    manager: { id: 'mgr-bob', name: 'Bob Boss', email: 'bob@acme.example' },
  },
  summary: 'Mailbox does not open',
  agreementId,
  ...overrides,
});
