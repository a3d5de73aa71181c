import agreementVersion from '../../../../samples/agreement-version.json';
import ticket from '../../../../samples/ticket.json';

export const benchAgreementTerms = agreementVersion.terms;

export const benchTicketBody = (agreementId: string) => ({ ...ticket, agreementId });
