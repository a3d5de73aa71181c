import { IsInt, Max, Min } from 'class-validator';
import { IsText } from '../../common/dto-rules';

export class CorrectEffortDto {
  /** The corrected total of logged effort, in minutes. */
  @IsInt()
  @Min(0)
  @Max(100_000)
  totalMinutes!: number;

  @IsText(1000)
  reason!: string;
}
