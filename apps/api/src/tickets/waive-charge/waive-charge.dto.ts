import { IsId, IsText } from '../../common/dto-rules';

export class WaiveChargeDto {
  @IsText(1000)
  reason!: string;

  /** Who approved the waiver (recorded besides the actor who records it). */
  @IsId()
  approverId!: string;
}
