import { IsText } from '../../common/dto-rules';

export class RequestUserInfoDto {
  /** What the user must answer; the ticket awaits the user (and the clock pauses) until they do. */
  @IsText(10_000)
  question!: string;
}
