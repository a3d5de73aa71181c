import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidationOptions } from 'class-validator';

/** Ids: letters, digits and . _ : - (UUIDs, "INC0012345", "acme"), at most 100 characters. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export const IsId = (options: ValidationOptions = {}) =>
  applyDecorators(
    IsString(options),
    Matches(ID_PATTERN, {
      ...options,
      message: '$property must be an id: letters, digits and . _ : - (at most 100)',
    }),
  );

/** Required free text of at most `max` characters. */
export const IsText = (max: number) => applyDecorators(IsString(), IsNotEmpty(), MaxLength(max));

/** Optional free text of at most `max` characters. */
export const IsOptionalText = (max: number) => applyDecorators(IsOptional(), IsString(), MaxLength(max));

/**
 * A query's `after`: read-your-writes, the global position a command returned; the query is answered once
 * the read models have applied it (ReadYourWrites), else 503.
 */
export const ReadYourWritesPosition = () =>
  applyDecorators(
    ApiPropertyOptional({
      pattern: '^\\d{1,19}$',
      description: 'Read-your-writes: answer once the read models have applied this global position',
    }),
    IsOptional(),
    Matches(/^\d{1,19}$/, { message: 'after must be a global position (digits)' }),
  );

export class TicketIdParams {
  @ApiProperty({ description: 'The ticket id', pattern: ID_PATTERN.source })
  @IsId()
  ticketId!: string;
}
