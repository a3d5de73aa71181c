import { IsOptionalText, IsText } from '../../common/dto-rules';

export class ResolveTicketDto {
  @IsText(100)
  resolutionCode!: string;

  @IsOptionalText(10_000)
  notes?: string;
}
