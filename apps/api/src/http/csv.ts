/** True when the client asked for CSV rather than JSON. */
export function wantsCsv(accept: string | undefined): boolean {
  return typeof accept === 'string' && /\btext\/csv\b/i.test(accept);
}
