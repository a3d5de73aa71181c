import { CHANNELS, Channel } from '@app/domain';
import { IsIn } from 'class-validator';
import { IsText } from '../../common/dto-rules';

export class RecordCustomerUpdateDto {
  @IsIn(CHANNELS)
  channel!: Channel;

  @IsText(10_000)
  message!: string;
}
