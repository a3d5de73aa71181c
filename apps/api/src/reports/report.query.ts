import { SLA_GROUP_KEYS, SlaGroupKey } from '@app/domain';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsId } from '../common/dto-rules';

export class ChargesReportQuery {
  @IsId() customer!: string;

  /** Calendar month in the agreement's time zone. */
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' }) month!: string;

  /** Read-your-writes: answer once the read models have applied this global position. */
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'after must be a global position (digits)' })
  after?: string;
}

export class SlaReportQuery extends ChargesReportQuery {
  /** Comma-separated: service, priority, or both. */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value))
  @IsIn(SLA_GROUP_KEYS, { each: true })
  groupBy?: SlaGroupKey[];
}
