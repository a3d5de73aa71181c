import { CausingEvent } from '@app/projections';
import { StatusPeriod, TICKET_STATUSES } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';

const instant = { type: 'string', format: 'date-time' } as const;

export class ActorResponse {
  @ApiProperty()
  id!: string;
  @ApiProperty({ example: 'agent' })
  role!: string;
}

export class TimelineEntryResponse {
  @ApiProperty({ ...instant, description: 'When it happened in the business' })
  at!: string;
  @ApiProperty({ type: ActorResponse })
  actor!: ActorResponse;
  @ApiProperty({ description: 'The event type' })
  type!: string;
  @ApiProperty({ description: 'What happened, in words' })
  description!: string;
  @ApiProperty({ enum: TICKET_STATUSES, nullable: true })
  statusAfter!: string | null;
  @ApiProperty({ type: 'integer' })
  streamRevision!: number;
}

export class StatusPeriodResponse implements StatusPeriod {
  @ApiProperty({ enum: TICKET_STATUSES })
  status!: StatusPeriod['status'];
  @ApiProperty(instant)
  from!: string;
  @ApiProperty({ ...instant, nullable: true, description: 'null while the ticket is still in this status' })
  to!: string | null;
  @ApiProperty({ type: 'number' })
  wallMinutes!: number;
  @ApiProperty({ type: 'number', description: "Business minutes by the agreement's calendar" })
  businessMinutes!: number;
}

/** GET /tickets/{id}/timeline. */
export class TicketTimelineResponse {
  @ApiProperty()
  ticketId!: string;
  @ApiProperty({ type: [TimelineEntryResponse] })
  entries!: TimelineEntryResponse[];
  @ApiProperty({ type: [StatusPeriodResponse] })
  statusPeriods!: StatusPeriodResponse[];
}

/** An event as a ticket's history and the report diffs show it: what, where in the log, when, by whom. */
export class EventSummaryResponse implements CausingEvent {
  @ApiProperty({ description: 'The event type (docs/events.md)' })
  type!: string;
  @ApiProperty({ type: 'integer' })
  streamRevision!: number;
  @ApiProperty({ description: 'Position in the whole log (64-bit, as a string)' })
  globalPosition!: string;
  @ApiProperty({ ...instant, description: 'When it happened in the business' })
  occurredAt!: string;
  @ApiProperty({ ...instant, description: 'When the store recorded it' })
  recordedAt!: string;
  @ApiProperty({ type: ActorResponse })
  actor!: ActorResponse;
}

export class HistoryEventResponse extends EventSummaryResponse {
  @ApiProperty()
  eventId!: string;
  @ApiProperty({ type: 'integer' })
  schemaVersion!: number;
  @ApiProperty()
  correlationId!: string;
  @ApiProperty({ type: 'string', nullable: true })
  causationId!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  commandId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's data, as docs/events.md describes it for its type and schema version",
  })
  data!: unknown;
}

/** GET /tickets/{id}/history. */
export class TicketHistoryResponse {
  @ApiProperty()
  ticketId!: string;
  @ApiProperty({ type: [HistoryEventResponse] })
  events!: HistoryEventResponse[];
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Pass as ?fromRevision= for the next page; null at the end',
  })
  nextRevision!: number | null;
}
