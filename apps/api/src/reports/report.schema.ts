import { ChargeLine, CurrencyTotal, PRIORITIES, SlaFigures } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ChargeResponse } from '../tickets/ticket-detail/ticket-detail.schema';

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

/** GET /reports/sla as JSON. */
export class SlaReportResponse {
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ example: '2026-03' })
  month!: string;
  @ApiProperty({ type: [String], enum: ['service', 'priority'] })
  groupBy!: string[];
  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'Recomputed as known then',
  })
  asOf!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Recomputed with this agreement version' })
  whatIfVersion!: number | null;
  @ApiProperty({ type: SlaFiguresResponse, description: 'Incidents (the SLA figures proper)' })
  incidents!: SlaFiguresResponse;
  @ApiProperty({ type: [SlaGroupResponse], description: 'Incidents per service and/or priority' })
  groups!: SlaGroupResponse[];
  @ApiProperty({ type: SlaFiguresResponse })
  serviceRequests!: SlaFiguresResponse;
  @ApiProperty({ type: SlaFiguresResponse, description: 'User errors: not incidents, reported apart' })
  userErrors!: SlaFiguresResponse;
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

/** GET /reports/charges as JSON. */
export class ChargesReportResponse {
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ example: '2026-03' })
  month!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  asOf!: string | null;
  @ApiProperty({ type: 'integer', nullable: true })
  whatIfVersion!: number | null;
  @ApiProperty({
    type: [ChargeLineResponse],
    description: 'One line per user-error ticket closed in the month',
  })
  lines!: ChargeLineResponse[];
  @ApiProperty({ type: [CurrencyTotalResponse] })
  totals!: CurrencyTotalResponse[];
}
