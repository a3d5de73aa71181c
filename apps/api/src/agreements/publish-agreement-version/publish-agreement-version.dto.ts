import { Type } from 'class-transformer';
import { IsISO8601, IsObject, Matches, ValidateNested } from 'class-validator';
import { AgreementTermsDto } from './agreement-terms.dto';

export class PublishAgreementVersionDto {
  /** The instant from which tickets logged are measured by this version (with a zone offset or Z). */
  @IsISO8601({ strict: true })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: '$property must carry a time zone (Z or +hh:mm)' })
  effectiveFrom!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => AgreementTermsDto)
  terms!: AgreementTermsDto;
}
