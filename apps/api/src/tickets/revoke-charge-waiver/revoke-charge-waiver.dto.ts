import { IsText } from '../../common/dto-rules';

export class RevokeChargeWaiverDto {
  @IsText(1000)
  reason!: string;
}
