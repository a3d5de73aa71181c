import { IsText } from '../../common/dto-rules';

export class RejectResolutionDto {
  /** Why the customer does not accept the resolution; the ticket reopens and its clock runs again. */
  @IsText(10_000)
  reason!: string;
}
