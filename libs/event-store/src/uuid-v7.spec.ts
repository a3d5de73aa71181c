import { uuidV7 } from './uuid-v7';

describe('uuidV7', () => {
  const format = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('is an RFC 9562 version 7 UUID whose first 48 bits are the Unix milliseconds', () => {
    const ms = Date.UTC(2026, 10, 26, 12, 0, 0, 123);
    const id = uuidV7(ms);
    expect(id).toMatch(format);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('differs for every id of one millisecond, and orders ids by time', () => {
    const ms = Date.UTC(2026, 10, 26);
    const ids = Array.from({ length: 1000 }, () => uuidV7(ms));
    expect(new Set(ids).size).toBe(1000);
    ids.forEach((id) => expect(id).toMatch(format));
    const earlier = uuidV7(ms - 1);
    const later = uuidV7(ms + 1);
    expect(ids.every((id) => earlier < id && id < later)).toBe(true);
    // The prefix of one millisecond is not kept for another.
    expect(uuidV7(ms).slice(0, 13)).not.toBe(later.slice(0, 13));
  });
});
