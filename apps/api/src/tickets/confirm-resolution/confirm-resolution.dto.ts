import { IsOptionalText } from '../../common/dto-rules';

export class ConfirmResolutionDto {
  @IsOptionalText(10_000)
  comment?: string;
}
