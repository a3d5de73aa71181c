import { IsOptional } from 'class-validator';
import { IsId } from '../../common/dto-rules';

export class AcknowledgeTicketDto {
  /** The agent who takes the ticket; the acknowledgement stops the response clock either way. */
  @IsOptional()
  @IsId()
  assigneeId?: string;
}
