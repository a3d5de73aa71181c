import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { IsId, IsText } from '../../common/dto-rules';

export class CreateAgreementDto {
  @IsId()
  customerId!: string;

  @IsText(200)
  name!: string;

  /** The services this agreement covers; tickets name one of them. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsId({ each: true })
  services!: string[];
}
