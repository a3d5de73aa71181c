import { Scalar } from '@app/read-store';
import { BadRequestException } from '@nestjs/common';

interface CursorContent {
  readonly sort: string;
  readonly order: string;
  readonly value: Scalar | null;
  readonly id: string;
}

/** Opaque keyset cursor: where the previous page ended in its sort order. */
export function encodeCursor(content: CursorContent): string {
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

export function decodeCursor(
  cursor: string,
  sort: string,
  order: string,
): { value: Scalar | null; id: string } {
  const invalid = (problem: string) =>
    new BadRequestException({
      code: 'validation_failed',
      message: `cursor ${problem}`,
      fields: [{ field: 'cursor', problems: [problem] }],
    });
  let content: CursorContent;
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorContent;
  } catch {
    throw invalid('is not a cursor this API returned');
  }
  if (typeof content !== 'object' || content === null || typeof content.id !== 'string') {
    throw invalid('is not a cursor this API returned');
  }
  if (content.sort !== sort || content.order !== order) throw invalid('belongs to another sort order');
  return { value: content.value ?? null, id: content.id };
}
