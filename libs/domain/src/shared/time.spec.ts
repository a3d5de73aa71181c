import fc from 'fast-check';
import { toIso, toMs } from './time';

describe('instants', () => {
  it('reads every instant toIso writes as Date.parse does, from year 0 to 9999', () => {
    const min = Date.UTC(0, 0, 1);
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    fc.assert(
      fc.property(fc.integer({ min, max }), (ms) => {
        const iso = toIso(ms);
        expect(toMs(iso)).toBe(Date.parse(iso));
        expect(toMs(iso)).toBe(ms);
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads the days around month ends, leap days and century years exactly', () => {
    for (const year of [1900, 1970, 2000, 2023, 2024, 2100, 2400]) {
      for (let month = 0; month < 12; month++) {
        for (const day of [1, 28, 29, 30, 31]) {
          const ms = Date.UTC(year, month, day, 23, 59, 59, 999);
          if (new Date(ms).getUTCMonth() !== month) continue; // no such day in that month
          expect(toMs(toIso(ms))).toBe(ms);
        }
      }
    }
  });

  it('reads other ISO-8601 forms and out-of-range fields as Date.parse does, and refuses what it cannot read', () => {
    for (const text of [
      '2026-02-30T00:00:00.000Z', // Date.parse rolls it into March
      '2026-01-01T24:00:00.000Z',
      '2026-03-29T01:30:00+02:00',
      '2026-03-29T01:30:00Z',
      '2026-03-29',
      '+002026-01-01T00:00:00.000Z',
    ])
      expect([text, toMs(text)]).toEqual([text, Date.parse(text)]);
    for (const text of [
      '2026-13-01T00:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-01-0xT00:00:00.000Z',
      'soon',
    ])
      expect(() => toMs(text)).toThrow(`not an ISO-8601 instant: ${text}`);
  });
});
