import { PRIORITIES, Priority } from '@app/domain';
import { TICKET_SORT_FIELDS, TicketSortField } from '@app/projections';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsId } from '../../common/dto-rules';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListTicketsQuery {
  @IsOptional() @IsId() customerId?: string;
  @IsOptional() @IsId() service?: string;
  @IsOptional() @IsIn(['incident', 'service_request', 'user_error']) kind?: string;
  @IsOptional() @IsIn(['logged', 'in_progress', 'awaiting_user', 'resolved', 'closed']) status?: string;
  @IsOptional() @IsIn(PRIORITIES) priority?: Priority;

  /** true: past the resolution target by now; false: not (yet). */
  @IsOptional() @Transform(toBoolean) @IsBoolean() breached?: boolean;

  @IsOptional() @IsISO8601({ strict: true }) loggedFrom?: string;
  @IsOptional() @IsISO8601({ strict: true }) loggedTo?: string;
  @IsOptional() @IsISO8601({ strict: true }) resolvedFrom?: string;
  @IsOptional() @IsISO8601({ strict: true }) resolvedTo?: string;

  /** loggedAt (default), resolvedAt, lastEventAt, or priority by urgency (`desc` lists P1 first); ties by id. */
  @IsOptional() @IsIn(TICKET_SORT_FIELDS) sort?: TicketSortField;
  /** desc (default: newest, or most urgent, first) or asc. */
  @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;

  /** The `nextCursor` of the previous page. */
  @IsOptional() @IsString() @MaxLength(500) cursor?: string;

  /** Read-your-writes: answer once the read models have applied this global position. */
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'after must be a global position (digits)' })
  after?: string;
}
