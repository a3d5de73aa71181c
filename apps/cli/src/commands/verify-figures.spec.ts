import Database from 'better-sqlite3';
import { byCodePoint, pairsById } from './verify-figures';

describe('verify-figures: walking two stores in id order', () => {
  it('orders ids as SQLite does, also where UTF-16 order differs (above U+FFFF)', () => {
    const ids = ['t-\u{1F600}', 't-\uFF5E', 't-a', 't-', 't-ab', 't-B'];
    const db = new Database(':memory:');
    const sqlite = db
      .prepare(`SELECT id FROM (${ids.map(() => 'SELECT ? AS id').join(' UNION ALL ')}) ORDER BY id`)
      .pluck()
      .all(...ids);
    db.close();
    expect([...ids].sort(byCodePoint)).toEqual(sqlite);
    // What JavaScript's own order would have got wrong:
    expect([...ids].sort()).not.toEqual(sqlite);
  });

  it('pairs every id once, with null on the side that lacks it', async () => {
    async function* docs(...ids: string[]) {
      for (const id of ids) yield { id };
    }
    const pairs = [];
    for await (const { id, stored, fresh } of pairsById(docs('a', 'c', 'd'), docs('b', 'c', 'e'))) {
      pairs.push([id, stored !== null, fresh !== null]);
    }
    expect(pairs).toEqual([
      ['a', true, false],
      ['b', false, true],
      ['c', true, true],
      ['d', true, false],
      ['e', false, true],
    ]);
  });
});
