import { CHANNELS, Channel, LOGGABLE_KINDS, LoggableKind, PRIORITIES, Priority } from '@app/domain';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsObject, ValidateNested } from 'class-validator';
import { IsId, IsOptionalText, IsText } from '../../common/dto-rules';

export class PersonDto {
  @IsId()
  id!: string;

  @IsText(200)
  name!: string;

  @IsEmail()
  email!: string;
}

export class RequesterDto extends PersonDto {
  /** Contacted when the requester stays silent on a ticket awaiting them. */
  @IsObject()
  @ValidateNested()
  @Type(() => PersonDto)
  manager!: PersonDto;
}

export class LogTicketDto {
  /** A ticket is logged as an incident or a service request; it can later be reclassified as a user error. */
  @IsIn(LOGGABLE_KINDS)
  kind!: LoggableKind;

  @IsId()
  customerId!: string;

  @IsId()
  service!: string;

  @IsIn(PRIORITIES)
  priority!: Priority;

  @IsIn(CHANNELS)
  channel!: Channel;

  @IsObject()
  @ValidateNested()
  @Type(() => RequesterDto)
  requester!: RequesterDto;

  @IsText(200)
  summary!: string;

  @IsOptionalText(10_000)
  description?: string;

  /** The customer's SLA agreement; the ticket is measured by the version in force when it is logged. */
  @IsId()
  agreementId!: string;
}
