import { AGREEMENT_EVENT_TYPES, AgreementEvent, TICKET_EVENT_TYPES, TimedTicketEvent } from '@app/domain';
import { StoredEvent } from '@app/event-store';
import { UnreadableEventError } from './application-errors';

export const ticketStreamId = (ticketId: string) => `ticket-${ticketId}`;
export const agreementStreamId = (agreementId: string) => `agreement-${agreementId}`;
export const TICKET_STREAM_PREFIX = 'ticket-';
export const AGREEMENT_STREAM_PREFIX = 'agreement-';

/** Schema versions this code reads, per event type. An event of any other version stops the reader. */
const SUPPORTED_SCHEMA_VERSION = 1;

function checkReadable(stored: StoredEvent, knownTypes: readonly string[]): void {
  if (!knownTypes.includes(stored.type)) {
    throw new UnreadableEventError(
      stored.streamId,
      stored.streamRevision,
      `unknown event type ${stored.type}`,
    );
  }
  if (stored.schemaVersion !== SUPPORTED_SCHEMA_VERSION) {
    throw new UnreadableEventError(
      stored.streamId,
      stored.streamRevision,
      `${stored.type} has schema version ${stored.schemaVersion}; this build reads version ${SUPPORTED_SCHEMA_VERSION}`,
    );
  }
}

export function toTimedTicketEvent(stored: StoredEvent): TimedTicketEvent {
  checkReadable(stored, TICKET_EVENT_TYPES);
  return {
    type: stored.type,
    schemaVersion: 1,
    data: stored.data,
    occurredAt: stored.metadata.occurredAt,
  } as TimedTicketEvent;
}

export function toAgreementEvent(stored: StoredEvent): AgreementEvent {
  checkReadable(stored, AGREEMENT_EVENT_TYPES);
  return { type: stored.type, schemaVersion: 1, data: stored.data } as AgreementEvent;
}
