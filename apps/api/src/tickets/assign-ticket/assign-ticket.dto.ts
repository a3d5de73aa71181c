import { IsId } from '../../common/dto-rules';

export class AssignTicketDto {
  @IsId()
  assigneeId!: string;
}
