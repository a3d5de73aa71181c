import { IsOptionalText, IsText } from '../../common/dto-rules';

export class CloseUnresolvedDto {
  /** The problem or known-error record that tracks the fix. */
  @IsText(100)
  problemReference!: string;

  @IsOptionalText(10_000)
  reason?: string;
}
