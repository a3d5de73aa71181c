import { CHANNELS, LOGGABLE_KINDS, UserErrorCharge } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { TicketCoreResponse } from '../list-tickets/ticket-list.response';

const instant = { type: 'string', format: 'date-time' } as const;
const nullableInstant = { ...instant, nullable: true } as const;

export class PersonResponse {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty()
  email!: string;
}

export class RequesterResponse extends PersonResponse {
  @ApiProperty({ type: PersonResponse, description: 'Contacted when the requester stays silent' })
  manager!: PersonResponse;
}

export class UserErrorResponse {
  @ApiProperty({ description: "The rate card's category" })
  category!: string;
  @ApiProperty()
  reason!: string;
}

export class WaiverResponse {
  @ApiProperty()
  reason!: string;
  @ApiProperty()
  approverId!: string;
}

export class FollowUpResponse {
  @ApiProperty({ ...instant, description: 'When the wait for the user began' })
  since!: string;
  @ApiProperty(nullableInstant)
  remindedAt!: string | null;
  @ApiProperty(nullableInstant)
  managerContactedAt!: string | null;
}

/** What a user-error ticket costs the customer, per the rate card of its agreement version. */
export class ChargeResponse implements UserErrorCharge {
  @ApiProperty()
  ticketId!: string;
  @ApiProperty()
  category!: string;
  @ApiProperty({ example: 'EUR' })
  currency!: string;
  @ApiProperty({ enum: ['fixed', 'hourly'] })
  pricing!: 'fixed' | 'hourly';
  @ApiProperty({ type: 'integer', description: 'Fixed fee, or hourly rate, in minor units' })
  unitPriceMinor!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Hourly: effort rounded up to the increment; 0 for a fixed fee',
  })
  billedMinutes!: number;
  @ApiProperty({ type: 'integer' })
  loggedEffortMinutes!: number;
  @ApiProperty({ type: 'integer', description: 'The price before any waiver, in minor units' })
  amountMinor!: number;
  @ApiProperty()
  waived!: boolean;
  @ApiProperty({ type: WaiverResponse, nullable: true })
  waiver!: WaiverResponse | null;
  @ApiProperty({ type: 'integer', description: 'What is invoiced, in minor units: 0 when waived' })
  chargedMinor!: number;
}

/** GET /tickets/{id}: the ticket folded from its events, with its live SLA clock and charge. */
export class TicketDetailResponse extends TicketCoreResponse {
  @ApiProperty({ enum: LOGGABLE_KINDS, description: 'The kind it was logged as' })
  loggedKind!: string;
  @ApiProperty({ enum: CHANNELS })
  channel!: string;
  @ApiProperty({ type: RequesterResponse })
  requester!: RequesterResponse;
  @ApiProperty(nullableInstant)
  acknowledgedAt!: string | null;
  @ApiProperty({ ...nullableInstant, description: 'The latest resolution (null while open or reopened)' })
  resolvedAt!: string | null;
  @ApiProperty({
    type: UserErrorResponse,
    nullable: true,
    description: 'Set while reclassified as a user error',
  })
  userError!: UserErrorResponse | null;
  @ApiProperty({ type: 'integer' })
  effortMinutes!: number;
  @ApiProperty({ type: WaiverResponse, nullable: true })
  chargeWaiver!: WaiverResponse | null;
  @ApiProperty({
    type: FollowUpResponse,
    nullable: true,
    description: "The automation's follow-ups of the current wait",
  })
  followUp!: FollowUpResponse | null;
  @ApiProperty({
    type: [String],
    description: 'Escalations made, as "target:level" ("resolution:warning", ...)',
  })
  escalations!: string[];
  @ApiProperty({ type: ChargeResponse, nullable: true, description: 'User errors only' })
  charge!: ChargeResponse | null;
  @ApiProperty({ description: 'Global position of its last event (64-bit, as a string)' })
  globalPosition!: string;
}
