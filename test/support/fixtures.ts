/** Request bodies for the e2e suites: the samples a new user also finds in samples/. */
import agreementVersion from '../../samples/agreement-version.json';
import ticket from '../../samples/ticket.json';

export const acmeTerms = agreementVersion.terms;

export const ticketBody = (agreementId: string, overrides: object = {}) => {
  const { description: _description, ...body } = ticket;
  return { ...body, agreementId, ...overrides };
};
