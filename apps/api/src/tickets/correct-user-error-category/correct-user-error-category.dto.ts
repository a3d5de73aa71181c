import { IsText } from '../../common/dto-rules';

export class CorrectUserErrorCategoryDto {
  /** A category of the rate card of the ticket's agreement version. */
  @IsText(100)
  category!: string;

  @IsText(1000)
  reason!: string;
}
