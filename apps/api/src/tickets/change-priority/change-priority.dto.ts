import { PRIORITIES, Priority } from '@app/domain';
import { IsIn } from 'class-validator';
import { IsText } from '../../common/dto-rules';

export class ChangePriorityDto {
  @IsIn(PRIORITIES)
  priority!: Priority;

  @IsText(1000)
  reason!: string;
}
