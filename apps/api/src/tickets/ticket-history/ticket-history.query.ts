import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class TicketHistoryQuery {
  /** First stream revision of the page (0 = the TicketLogged event). */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'First stream revision of the page (0 = the TicketLogged event)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  fromRevision?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, description: 'Events per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class TicketDetailQuery {
  /** The instant to show the ticket at (with a zone: Z or +hh:mm); default now. */
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'The instant to show the ticket at (with a zone: Z or +hh:mm); default now',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'asOf must carry a time zone (Z or +hh:mm)' })
  asOf?: string;
}
