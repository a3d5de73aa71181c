import { CLOSURE_KINDS, PRIORITIES, TICKET_KINDS, TICKET_STATUSES } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const instant = { type: 'string', format: 'date-time' } as const;
const nullableInstant = { ...instant, nullable: true } as const;
const minutes = { type: 'integer', description: 'whole business minutes, rounded down' } as const;

/** A ticket's SLA clock at the time of the request (the shape GET /tickets/{id} answers as `sla` too). */
export class SlaSummaryResponse {
  @ApiProperty({ ...instant, description: 'The instant the clock is read at' })
  asOf!: string;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] })
  clock!: string;
  @ApiProperty(minutes)
  elapsedBusinessMinutes!: number;
  @ApiProperty(minutes)
  pausedBusinessMinutes!: number;
  @ApiProperty({ ...minutes, nullable: true, description: 'to the first acknowledgement; null before' })
  responseBusinessMinutes!: number | null;
  @ApiProperty(minutes)
  responseTargetMinutes!: number;
  @ApiProperty()
  responseBreached!: boolean;
  @ApiProperty(minutes)
  resolutionTargetMinutes!: number;
  @ApiProperty({ ...minutes, description: 'target minus running time (negative once past)' })
  remainingBusinessMinutes!: number;
  @ApiProperty({ ...nullableInstant, description: 'the final resolution; null while open' })
  resolvedAt!: string | null;
  @ApiProperty({ description: 'finally resolved over the target' })
  breached!: boolean;
  @ApiProperty({ description: 'still open and already over the target' })
  breachedOpen!: boolean;
  @ApiProperty({ ...nullableInstant, description: 'while running: when the target is reached' })
  dueAt!: string | null;
  @ApiProperty({ type: 'integer' })
  missedCustomerUpdates!: number;
}

export class AgreementRefResponse {
  @ApiProperty()
  agreementId!: string;
  @ApiProperty({ type: 'integer' })
  version!: number;
}

/** What the ticket list and the ticket detail both answer of a ticket. */
export class TicketCoreResponse {
  @ApiProperty()
  ticketId!: string;
  @ApiProperty()
  customerId!: string;
  @ApiProperty()
  service!: string;
  @ApiProperty({ enum: TICKET_KINDS })
  kind!: string;
  @ApiProperty({ enum: TICKET_STATUSES })
  status!: string;
  @ApiProperty({ enum: CLOSURE_KINDS, nullable: true })
  closure!: string | null;
  @ApiProperty({ enum: PRIORITIES })
  priority!: string;
  @ApiProperty()
  summary!: string;
  @ApiProperty({ type: 'string', nullable: true })
  assigneeId!: string | null;
  @ApiProperty(instant)
  loggedAt!: string;
  @ApiProperty(nullableInstant)
  closedAt!: string | null;
  @ApiProperty({ type: 'integer' })
  reopenCount!: number;
  @ApiProperty({ type: AgreementRefResponse, description: 'The agreement version the ticket is measured by' })
  agreement!: AgreementRefResponse;
  @ApiProperty({ type: SlaSummaryResponse })
  sla!: SlaSummaryResponse;
  @ApiProperty({ type: 'integer', description: 'Send it back as If-Match' })
  streamRevision!: number;
}

/** One ticket of the list, from the read model, with its live SLA clock. */
export class TicketListItemResponse extends TicketCoreResponse {
  @ApiProperty()
  requesterId!: string;
  @ApiProperty({ ...nullableInstant, description: 'the final resolution; null while open' })
  resolvedAt!: string | null;
  @ApiProperty(instant)
  lastEventAt!: string;
  @ApiProperty({
    description: 'Global position of the last event the read model applied (64-bit, as a string)',
  })
  globalPosition!: string;
}

export class TicketListPageResponse {
  @ApiProperty({ type: [TicketListItemResponse] })
  items!: TicketListItemResponse[];
  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    description: 'Pass as ?cursor= (with the same sort and order) for the next page; null at the end',
  })
  nextCursor!: string | null;
}
