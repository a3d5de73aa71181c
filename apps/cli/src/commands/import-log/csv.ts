import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

/** One data record of a CSV file: its values by column name, and the line it starts on (header = line 1). */
export interface CsvRecord {
  readonly line: number;
  readonly values: Readonly<Record<string, string>>;
}

export class CsvFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`the CSV is malformed at line ${line}: ${message}`);
    this.name = 'CsvFormatError';
  }
}

/**
 * The records of an RFC 4180 CSV text, streamed from its chunks: quoted fields may hold commas, doubled
 * quotes and line breaks; CRLF and LF both end a record. A record with a different number of fields than
 * the header is an error naming its line, never padded or cut silently.
 */
export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let header: string[] | null = null;
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let recordLine = 1;
  let pendingCr = false;

  const endRecord = function* (): Generator<CsvRecord> {
    fields.push(field);
    field = '';
    const done = fields;
    fields = [];
    if (done.length === 1 && done[0] === '') return; // blank line
    if (header === null) {
      header = done;
      return;
    }
    if (done.length !== header.length) {
      throw new CsvFormatError(recordLine, `${done.length} fields where the header has ${header.length}`);
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) values[header[i]] = done[i];
    yield { line: recordLine, values };
  };

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') continue;
      }
      if (quoted) {
        if (c === '"') {
          if (chunk[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            // Closed, unless the next chunk starts with a quote (a doubled quote split across chunks).
            quoted = false;
            afterQuote = true;
          }
        } else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (afterQuote && c === '"') {
        // A doubled quote split across two chunks.
        field += '"';
        quoted = true;
        afterQuote = false;
        continue;
      }
      afterQuote = false;
      if (c === ',') {
        fields.push(field);
        field = '';
      } else if (c === '\n' || c === '\r') {
        yield* endRecord();
        pendingCr = c === '\r';
        line++;
        recordLine = line;
      } else if (c === '"' && field === '') {
        quoted = true;
      } else {
        field += c;
      }
    }
  }
  if (quoted) throw new CsvFormatError(recordLine, 'a quoted field is not closed');
  if (field !== '' || fields.length > 0) yield* endRecord();
}

/** The text of a file, decompressed when its name ends in .gz. */
export function fileChunks(path: string): AsyncIterable<string> {
  const raw = createReadStream(path);
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding('utf8');
  return stream as AsyncIterable<string>;
}
