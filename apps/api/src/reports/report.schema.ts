import {
  ChargeLine,
  CLOSURE_KINDS,
  CurrencyTotal,
  PRIORITIES,
  SlaFigures,
  TICKET_KINDS,
  TICKET_STATUSES,
} from '@app/domain';
import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Change, TicketFactsDoc } from '@app/projections';
import { ChargeResponse } from '../tickets/ticket-detail/ticket-detail.schema';
import { EventSummaryResponse } from '../tickets/ticket-history/ticket-history.schema';

const count = { type: 'integer' } as const;
const nullablePercent = {
  type: 'number',
  nullable: true,
  description: 'null when there is nothing to divide by',
} as const;
const nullableMinutes = {
  type: 'number',
  nullable: true,
  description: 'business minutes; null with no ticket',
} as const;

/** The figures of docs/figures.md for one set of tickets finally resolved in the month. */
export class SlaFiguresResponse implements SlaFigures {
  @ApiProperty(count)
  resolved!: number;
  @ApiProperty(count)
  withinTarget!: number;
  @ApiProperty(count)
  breached!: number;
  @ApiProperty(nullablePercent)
  compliancePercent!: number | null;
  @ApiProperty(nullableMinutes)
  meanResolutionMinutes!: number | null;
  @ApiProperty(nullableMinutes)
  p90ResolutionMinutes!: number | null;
  @ApiProperty({ type: 'number', description: 'business minutes spent awaiting the user' })
  pausedMinutes!: number;
  @ApiProperty(count)
  reopened!: number;
  @ApiProperty(nullablePercent)
  reopenRatePercent!: number | null;
  @ApiProperty(nullablePercent)
  firstTimeRightPercent!: number | null;
  @ApiProperty(count)
  confirmed!: number;
  @ApiProperty(count)
  autoClosed!: number;
  @ApiProperty(count)
  closedUnresolved!: number;
  @ApiProperty(count)
  awaitingConfirmation!: number;
  @ApiProperty(count)
  missedCustomerUpdates!: number;
}

export class SlaGroupResponse {
  @ApiPropertyOptional({ description: 'With groupBy=service' })
  service?: string;
  @ApiPropertyOptional({ enum: PRIORITIES, description: 'With groupBy=priority' })
  priority?: string;
  @ApiProperty({ type: SlaFiguresResponse })
  figures!: SlaFiguresResponse;
}

/** The SLA figures of a customer-month (a report's body, and each side of a diff). */
export class SlaBodyResponse {
  @ApiProperty({ type: SlaFiguresResponse, description: 'Incidents (the SLA figures proper)' })
  incidents!: SlaFiguresResponse;
  @ApiProperty({ type: [SlaGroupResponse], description: 'Incidents per service and/or priority' })
  groups!: readonly SlaGroupResponse[];
  @ApiProperty({ type: SlaFiguresResponse })
  serviceRequests!: SlaFiguresResponse;
  @ApiProperty({ type: SlaFiguresResponse, description: 'User errors: not incidents, reported apart' })
  userErrors!: SlaFiguresResponse;
}

/** GET /reports/sla as JSON. */
export class SlaReportResponse extends SlaBodyResponse {
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ example: '2026-03' })
  month!: string;
  @ApiProperty({ type: [String], enum: ['service', 'priority'] })
  groupBy!: readonly string[];
  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'Recomputed as known then',
  })
  asOf!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Recomputed with this agreement version' })
  whatIfVersion!: number | null;
}

export class ChargeLineResponse extends ChargeResponse implements ChargeLine {
  @ApiProperty()
  service!: string;
  @ApiProperty()
  summary!: string;
  @ApiProperty({ type: 'string', format: 'date-time' })
  closedAt!: string;
}

export class CurrencyTotalResponse implements CurrencyTotal {
  @ApiProperty()
  currency!: string;
  @ApiProperty(count)
  lines!: number;
  @ApiProperty({ type: 'integer', description: 'minor units' })
  amountMinor!: number;
  @ApiProperty({ type: 'integer', description: 'minor units' })
  waivedMinor!: number;
  @ApiProperty({ type: 'integer', description: 'minor units' })
  chargedMinor!: number;
}

/** The charge lines of a customer-month and their totals (a report's body, and each side of a diff). */
export class ChargesBodyResponse {
  @ApiProperty({
    type: [ChargeLineResponse],
    description: 'One line per user-error ticket closed in the month',
  })
  lines!: readonly ChargeLineResponse[];
  @ApiProperty({ type: [CurrencyTotalResponse] })
  totals!: readonly CurrencyTotalResponse[];
}

/** GET /reports/charges as JSON. */
export class ChargesReportResponse extends ChargesBodyResponse {
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ example: '2026-03' })
  month!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  asOf!: string | null;
  @ApiProperty({ type: 'integer', nullable: true })
  whatIfVersion!: number | null;
}

/**
 * A changed line or ticket of a diff, for the schema of its `before` and `after` (OpenAPI has no generics:
 * one class per item type, named for it).
 */
function changeOf<T>(item: Type<T>, name: string): Type<Change<T>> {
  class ChangeResponse implements Change<T> {
    @ApiProperty()
    ticketId!: string;
    @ApiProperty({ enum: ['added', 'removed', 'changed'] })
    change!: Change<T>['change'];
    @ApiProperty({ type: item, nullable: true })
    before!: T | null;
    @ApiProperty({ type: item, nullable: true })
    after!: T | null;
    @ApiProperty({
      type: [EventSummaryResponse],
      description: 'The events recorded between the instants for it',
    })
    causedBy!: readonly EventSummaryResponse[];
  }
  Object.defineProperty(ChangeResponse, 'name', { value: name });
  return ChangeResponse;
}

export const ChargeLineChangeResponse = changeOf(ChargeLineResponse, 'ChargeLineChangeResponse');

/** What a ticket finally resolved in the month contributes to the SLA report. */
export class TicketFactsResponse implements TicketFactsDoc {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  ticketId!: string;
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ example: '2026-03', description: 'Month of the final resolution' })
  reportMonth!: string;
  @ApiProperty({ enum: TICKET_KINDS })
  kind!: TicketFactsDoc['kind'];
  @ApiProperty()
  service!: string;
  @ApiProperty({ enum: PRIORITIES, description: 'At resolution' })
  priority!: TicketFactsDoc['priority'];
  @ApiProperty({ enum: TICKET_STATUSES })
  status!: TicketFactsDoc['status'];
  @ApiProperty({ enum: CLOSURE_KINDS, nullable: true })
  closure!: TicketFactsDoc['closure'];
  @ApiProperty(count)
  reopenCount!: number;
  @ApiProperty({ type: 'integer', description: 'Business milliseconds' })
  resolutionMs!: number;
  @ApiProperty()
  breached!: boolean;
  @ApiProperty({ type: 'integer', description: 'Business milliseconds awaiting the user' })
  pausedMs!: number;
  @ApiProperty(count)
  missedCustomerUpdates!: number;
}

export const TicketFactsChangeResponse = changeOf(TicketFactsResponse, 'TicketFactsChangeResponse');

const side = (what: string) => ({ type: 'string', format: 'date-time', description: what }) as const;

/** What both diffs compare: a customer's month as known at two instants. */
class DiffWindowResponse {
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ example: '2026-03' })
  month!: string;
  @ApiProperty(side('"As reported": the instant of `before`'))
  from!: string;
  @ApiProperty(side('"As corrected": the instant of `after`'))
  to!: string;
}

/** GET /reports/charges/diff. */
export class ChargesDiffResponse extends DiffWindowResponse {
  @ApiProperty({ type: ChargesBodyResponse })
  before!: ChargesBodyResponse;
  @ApiProperty({ type: ChargesBodyResponse })
  after!: ChargesBodyResponse;
  @ApiProperty({
    type: [ChargeLineChangeResponse],
    description: 'Each line that differs, with the events that made it',
  })
  changes!: readonly Change<ChargeLine>[];
}

/** GET /reports/sla/diff. */
export class SlaDiffResponse extends DiffWindowResponse {
  @ApiProperty({ type: [String], enum: ['service', 'priority'] })
  groupBy!: readonly string[];
  @ApiProperty({ type: SlaBodyResponse })
  before!: SlaBodyResponse;
  @ApiProperty({ type: SlaBodyResponse })
  after!: SlaBodyResponse;
  @ApiProperty({
    type: [TicketFactsChangeResponse],
    description: 'Each ticket whose contribution differs, with the events that made it',
  })
  changes!: readonly Change<TicketFactsDoc>[];
}
