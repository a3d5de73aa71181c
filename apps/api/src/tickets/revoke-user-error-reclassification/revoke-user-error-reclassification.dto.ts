import { IsText } from '../../common/dto-rules';

export class RevokeUserErrorReclassificationDto {
  @IsText(1000)
  reason!: string;
}
