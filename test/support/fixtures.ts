/** Request bodies for the e2e suites: the samples a new user also finds in samples/. */
import agreementVersion from '../../samples/agreement-version.json';
import ticket from '../../samples/ticket.json';

export const acmeTerms = agreementVersion.terms;

export const ticketBody = (agreementId: string, overrides: object = {}) => {
  const { description: _description, ...body } = ticket;
  return { ...body, agreementId, ...overrides };
};

/** An event of a type no version of this code knows: what a projection must stop on, naming it. */
export const unreadableEvent = {
  type: 'TicketTeleported',
  schemaVersion: 1,
  data: {},
  metadata: {
    actor: { id: 'x', role: 'agent' },
    correlationId: 'c',
    causationId: null,
    commandId: null,
    occurredAt: '2026-06-01T00:00:00Z',
  },
};
