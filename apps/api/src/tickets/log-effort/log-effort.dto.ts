import { IsInt, Max, Min } from 'class-validator';
import { IsOptionalText } from '../../common/dto-rules';

export class LogEffortDto {
  @IsInt()
  @Min(1)
  @Max(10_000)
  minutes!: number;

  @IsOptionalText(1000)
  note?: string;
}
