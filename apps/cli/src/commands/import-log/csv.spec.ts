import { CsvFormatError, CsvRecord, parseCsv } from './csv';

async function* chunksOf(...chunks: string[]): AsyncGenerator<string> {
  for (const chunk of chunks) yield chunk;
}

async function records(...chunks: string[]): Promise<CsvRecord[]> {
  const all: CsvRecord[] = [];
  for await (const record of parseCsv(chunksOf(...chunks))) all.push(record);
  return all;
}

describe('parseCsv', () => {
  it('reads records by header name with the line each starts on', async () => {
    expect(await records('a,b\n1,2\n3,4\n')).toEqual([
      { line: 2, values: { a: '1', b: '2' } },
      { line: 3, values: { a: '3', b: '4' } },
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields, and CRLF endings', async () => {
    const result = await records('id,text\r\n1,"a, ""quoted""\r\nline"\r\n2,plain\r\n');
    expect(result.map((r) => r.values.text)).toEqual(['a, "quoted"\r\nline', 'plain']);
    expect(result.map((r) => r.line)).toEqual([2, 4]);
  });

  it('gives the same records however the text is cut into chunks', async () => {
    const text = 'id,text\r\n1,"say ""hi"", bye"\r\n2,"x"\n3,y';
    const whole = await records(text);
    for (let cut = 1; cut < text.length; cut++) {
      expect(await records(text.slice(0, cut), text.slice(cut))).toEqual(whole);
    }
    expect(whole.map((r) => r.values.text)).toEqual(['say "hi", bye', 'x', 'y']);
  });

  it('names the line of a record with the wrong number of fields', async () => {
    await expect(records('a,b\n1,2\n3\n')).rejects.toThrow(
      new CsvFormatError(3, '1 fields where the header has 2'),
    );
  });

  it('refuses a quoted field that never closes', async () => {
    await expect(records('a\n"open\n')).rejects.toThrow(CsvFormatError);
  });
});
