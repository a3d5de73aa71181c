import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SLA_GROUP_KEYS, SlaGroupKey } from '@app/domain';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Min } from 'class-validator';
import { Transform, Type } from 'class-transformer';
import { IsId, ReadYourWritesPosition } from '../common/dto-rules';

const ZONED = /(Z|[+-]\d{2}:\d{2})$/;

/** The SLA report's grouping: comma-separated service, priority, or both. */
const GroupBy = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'service,priority',
      description: 'Comma-separated: service, priority, or both',
    }),
    IsOptional(),
    Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value)),
    IsIn(SLA_GROUP_KEYS, { each: true }),
  );

class CustomerMonthQuery {
  @ApiProperty({ description: 'The customer id' })
  @IsId()
  customer!: string;

  /** Calendar month in the agreement's time zone. */
  @ApiProperty({
    pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
    example: '2026-03',
    description: "Calendar month (YYYY-MM) in the agreement's time zone",
  })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month!: string;

  @ReadYourWritesPosition()
  after?: string;
}

/** For audits: the report recomputed from the events rather than read from the read models. */
export class ChargesReportQuery extends CustomerMonthQuery {
  /** The figures as known at this instant: only events recorded by then (an instant with a zone). */
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'The figures as known at this instant: only events recorded by then (with a zone)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(ZONED, { message: 'asOf must carry a time zone (Z or +hh:mm)' })
  asOf?: string;

  /** What-if: every ticket measured by this version of its agreement instead of the one it is bound to. */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'What-if: every ticket measured by this version of its agreement',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  whatIfVersion?: number;
}

export class SlaReportQuery extends ChargesReportQuery {
  @GroupBy()
  groupBy?: SlaGroupKey[];
}

export class ChargesDiffQuery extends CustomerMonthQuery {
  /** "As reported": the figures known at this instant. */
  @ApiProperty({
    format: 'date-time',
    description: '"As reported": the figures known at this instant (with a zone)',
  })
  @IsISO8601({ strict: true })
  @Matches(ZONED, { message: 'from must carry a time zone (Z or +hh:mm)' })
  from!: string;

  /** "As corrected": the figures known at this instant. */
  @ApiProperty({
    format: 'date-time',
    description: '"As corrected": the figures known at this instant (with a zone)',
  })
  @IsISO8601({ strict: true })
  @Matches(ZONED, { message: 'to must carry a time zone (Z or +hh:mm)' })
  to!: string;
}

export class SlaDiffQuery extends ChargesDiffQuery {
  @GroupBy()
  groupBy?: SlaGroupKey[];
}
