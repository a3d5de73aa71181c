import { IsText } from '../../common/dto-rules';

export class RecordUserResponseDto {
  @IsText(10_000)
  response!: string;
}
