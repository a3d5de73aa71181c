import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { PRIORITIES, Priority, TICKET_KINDS, TICKET_STATUSES } from '@app/domain';
import { TICKET_SORT_FIELDS, TicketSortField } from '@app/projections';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsId, ReadYourWritesPosition } from '../../common/dto-rules';

/** An optional ISO 8601 instant (strict), described in the OpenAPI document. */
const OptionalInstant = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ format: 'date-time', description }),
    IsOptional(),
    IsISO8601({ strict: true }),
  );

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListTicketsQuery {
  @ApiPropertyOptional({ description: "Only this customer's tickets (within the caller's scope)" })
  @IsOptional()
  @IsId()
  customerId?: string;

  @ApiPropertyOptional({ description: 'Only tickets of this service' })
  @IsOptional()
  @IsId()
  service?: string;

  @ApiPropertyOptional({ enum: TICKET_KINDS })
  @IsOptional()
  @IsIn(TICKET_KINDS)
  kind?: string;

  @ApiPropertyOptional({ enum: TICKET_STATUSES })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: PRIORITIES })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;

  /** true: past the resolution target by now; false: not (yet). */
  @ApiPropertyOptional({
    type: 'boolean',
    description: 'true: past the resolution target by now; false: not (yet)',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  breached?: boolean;

  @OptionalInstant('Logged at or after this instant')
  loggedFrom?: string;

  @OptionalInstant('Logged before this instant')
  loggedTo?: string;

  @OptionalInstant('Finally resolved at or after this instant')
  resolvedFrom?: string;

  @OptionalInstant('Finally resolved before this instant')
  resolvedTo?: string;

  /** loggedAt (default), resolvedAt, lastEventAt, or priority by urgency (`desc` lists P1 first); ties by id. */
  @ApiPropertyOptional({
    enum: TICKET_SORT_FIELDS,
    description:
      'loggedAt (default), resolvedAt, lastEventAt, or priority by urgency (desc lists P1 first); ties by id',
  })
  @IsOptional()
  @IsIn(TICKET_SORT_FIELDS)
  sort?: TicketSortField;

  /** desc (default: newest, or most urgent, first) or asc. */
  @ApiPropertyOptional({
    enum: ['asc', 'desc'],
    description: 'desc (default: newest, or most urgent, first) or asc',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 200,
    description: 'Tickets per page (default 50)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** The `nextCursor` of the previous page. */
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (same sort and order)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @ReadYourWritesPosition()
  after?: string;
}
