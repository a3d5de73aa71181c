import { SqliteReadStore, prepareWrite } from '@app/read-store';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoreContract } from './read-store.contract';

/** A fresh folder for each test of the enclosing block, removed after it. */
function tempDirPerTest(prefix: string): () => string {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), prefix))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** Runs `look` on the file at `path` through a read-only connection of its own, closed after. */
function inspectFile(path: string, look: (raw: Database.Database) => void): void {
  const raw = new Database(path, { readonly: true });
  try {
    look(raw);
  } finally {
    raw.close();
  }
}

/** SQLite's plan for a query, in words (`EXPLAIN QUERY PLAN`). */
const planOf = (raw: Database.Database, sql: string) =>
  (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
    .map((row) => row.detail)
    .join(' ');

/** A store on a fresh file; `before` runs on the file first (as an earlier version would have left it). */
const openStore = async (before?: (db: Database.Database) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-rs-'));
  const path = join(dir, 'read.db');
  if (before) {
    const db = new Database(path);
    before(db);
    db.close();
  }
  const store = new SqliteReadStore({ path });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

// Documents kept apart from their ids and columns (the default)...
readStoreContract('embedded SQLite', () => openStore());
// ...in their rows, as a collection with a covering index keeps them...
readStoreContract('embedded SQLite, documents in their rows (a covering index)', async () => {
  const opened = await openStore();
  await opened.store.prepareIndexes('items', [{ fields: ['customerId'], covering: true }]);
  return opened;
});
// ...and in a table an earlier version created, which keeps its layout.
readStoreContract('embedded SQLite, a table from an earlier version', () =>
  openStore((db) => db.exec('CREATE TABLE "docs_items" (id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)')),
);

describe('embedded SQLite: where documents are kept', () => {
  const dir = tempDirPerTest('sqlite-layout-');
  const docs = Array.from({ length: 40 }, (_, n) => ({
    id: `t-${String(n).padStart(2, '0')}`,
    customerId: `c-${n % 4}`,
    month: `2026-0${1 + (n % 3)}`,
  }));
  const columnsOf = (raw: Database.Database, table: string) =>
    (raw.pragma(`table_info("${table}")`) as Array<{ name: string }>).map((column) => column.name);

  it('keeps documents apart from the indexed table, and moves them in for a covering index declared later', async () => {
    const path = join(dir(), 'read.db');
    const store = new SqliteReadStore({ path });
    await store.ensureIndexes('facts', [{ fields: ['customerId'] }]);
    await store.commit(
      'p',
      docs.map((doc) => ({ collection: 'facts', id: doc.id, doc })),
      1n,
    );
    const raw = new Database(path, { readonly: true });
    try {
      // The indexes are built from, and kept on, a table of ids and columns only.
      expect(columnsOf(raw, 'docs_facts')).toEqual(['id', 'f_customerId']);
      expect(raw.prepare('SELECT COUNT(*) FROM "bodies_facts"').pluck().get()).toBe(40);
      await store.ensureIndexes('facts', [{ fields: ['customerId', 'month'], covering: true }]);
      expect(columnsOf(raw, 'docs_facts')).toEqual(['id', 'f_customerId', 'doc', 'f_month']);
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'bodies_facts'").get()).toBeUndefined();
      const plan = planOf(
        raw,
        `SELECT doc FROM "docs_facts" WHERE "f_customerId" = 'c-1' AND "f_month" = '2026-02'`,
      );
      expect(plan).toContain('COVERING INDEX ix_facts_customerId_month_doc');
    } finally {
      raw.close();
    }
    const found = await store.find('facts', {
      filter: { customerId: 'c-1', month: '2026-02' },
      sort: { field: 'id', direction: 'asc' },
    });
    expect(found).toEqual(docs.filter((doc) => doc.customerId === 'c-1' && doc.month === '2026-02'));
    await store.close();
  });

  it('deletes a document with its kept-apart JSON, so that the next one can take its row id', async () => {
    const path = join(dir(), 'read.db');
    const store = new SqliteReadStore({ path });
    await store.ensureIndexes('facts', [{ fields: ['customerId'] }]);
    const write = (id: string, doc: object | null, position: bigint) =>
      store.commit('p', [{ collection: 'facts', id, doc }], position);
    await write('a', { id: 'a', customerId: 'c-1' }, 1n);
    await write('b', { id: 'b', customerId: 'c-1' }, 2n);
    // b had the last row id: SQLite gives it to the next row inserted.
    await write('b', null, 3n);
    await write('c', { id: 'c', customerId: 'c-2' }, 4n);
    expect(await store.find('facts', { sort: { field: 'id', direction: 'asc' } })).toEqual([
      { id: 'a', customerId: 'c-1' },
      { id: 'c', customerId: 'c-2' },
    ]);
    await store.close();
    inspectFile(path, (raw) => {
      expect(raw.prepare('SELECT COUNT(*) FROM "bodies_facts"').pluck().get()).toBe(2);
    });
  });

  it('keeps filter-only fields as columns of the indexed table, and builds no index for them', async () => {
    const path = join(dir(), 'read.db');
    const store = new SqliteReadStore({ path });
    await store.ensureIndexes('facts', [{ fields: ['customerId'] }, { fields: ['month'], filterOnly: true }]);
    await store.commit(
      'p',
      docs.map((doc) => ({ collection: 'facts', id: doc.id, doc })),
      1n,
    );
    expect(
      (await store.find<{ id: string }>('facts', { filter: { month: '2026-02' }, fields: ['id'] })).length,
    ).toBe(docs.filter((doc) => doc.month === '2026-02').length);
    await store.close();
    inspectFile(path, (raw) => {
      expect(columnsOf(raw, 'docs_facts')).toEqual(['id', 'f_customerId', 'f_month']);
      const indexes = raw
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'docs_facts' AND sql IS NOT NULL",
        )
        .pluck()
        .all();
      expect(indexes).toEqual(['ix_facts_customerId']);
    });
  });

  it('holds included fields after the id, so that a page filtered on another column walks the index in order', async () => {
    const path = join(dir(), 'read.db');
    const store = new SqliteReadStore({ path });
    await store.ensureIndexes('tickets', [
      { fields: ['resolvedAt'], include: ['loggedAt'] },
      { fields: ['kind'], filterOnly: true },
    ]);
    const tickets = Array.from({ length: 400 }, (_, n) => ({
      id: `t-${String(n).padStart(3, '0')}`,
      kind: n % 10 === 0 ? 'user_error' : 'incident',
      loggedAt: `2026-03-01T00:${String(n % 60).padStart(2, '0')}:00.000Z`,
      // Ten tickets a resolution date: the page's order within a date is by id.
      resolvedAt: `2026-03-02T00:00:${String(Math.floor(n / 10)).padStart(2, '0')}.000Z`,
    }));
    await store.commit(
      'p',
      tickets.map((doc) => ({ collection: 'tickets', id: doc.id, doc })),
      1n,
    );
    const page = await store.find<{ id: string }>('tickets', {
      filter: { kind: 'incident' },
      sort: { field: 'resolvedAt', direction: 'desc' },
      limit: 12,
    });
    expect(page.map((doc) => doc.id)).toEqual(
      tickets
        .filter((doc) => doc.kind === 'incident')
        .sort((a, b) =>
          a.resolvedAt === b.resolvedAt ? (a.id < b.id ? 1 : -1) : a.resolvedAt < b.resolvedAt ? 1 : -1,
        )
        .slice(0, 12)
        .map((doc) => doc.id),
    );
    await store.close();
    inspectFile(path, (raw) => {
      const columns = (
        raw.pragma('index_info(ix_tickets_resolvedAt_id_loggedAt)') as Array<{ name: string }>
      ).map((column) => column.name);
      expect(columns).toEqual(['f_resolvedAt', 'id', 'f_loggedAt']);
      const plan = planOf(
        raw,
        `SELECT rowid FROM docs_tickets WHERE "f_kind" = 'incident' ORDER BY "f_resolvedAt" DESC, id DESC LIMIT 12`,
      );
      expect(plan).toContain('ix_tickets_resolvedAt_id_loggedAt');
      expect(plan).not.toContain('TEMP B-TREE');
    });
  });

  it('creates a collection declared with a covering index with its documents in its rows', async () => {
    const path = join(dir(), 'read.db');
    const store = new SqliteReadStore({ path, bulkLoad: true });
    await store.prepareIndexes('facts', [{ fields: ['customerId'], covering: true }]);
    await store.prepareIndexes('tickets', [{ fields: ['customerId'] }]);
    inspectFile(path, (raw) => {
      expect(columnsOf(raw, 'docs_facts')).toEqual(['id', 'doc', 'f_customerId']);
      expect(columnsOf(raw, 'docs_tickets')).toEqual(['id', 'f_customerId']);
      expect(columnsOf(raw, 'bodies_tickets')).toEqual(['doc']);
    });
    store.discard();
  });
});

describe('embedded SQLite: a bulk load by row numbers', () => {
  const dir = tempDirPerTest('sqlite-bulk-');
  const fields = ['customerId'];
  const doc = (id: string, customerId: string, n: number) => ({ id, customerId, n });
  /** A fresh file opened for a bulk load, its tickets keeping customerId as a column. */
  const openBulk = async (path = join(dir(), 'read.db')) => {
    const bulk = new SqliteReadStore({ path, bulkLoad: true });
    await bulk.prepareIndexes('tickets', [{ fields }]);
    return bulk;
  };
  /** What a promise failed with: SQLite's errors come from another realm than a jest worker's Error. */
  const failure = (done: Promise<unknown>) =>
    done.then(
      () => 'no error',
      (error: unknown) => String((error as { message?: unknown }).message),
    );

  it('loads without a rollback journal, which defensive mode refuses silently, and leaves the file in WAL', async () => {
    const path = join(dir(), 'read.db');
    const bulk = await openBulk(path);
    const connection = (bulk as unknown as { db: Database.Database }).db;
    expect(connection.pragma('journal_mode', { simple: true })).toBe('off');
    bulk.writePrepared([
      prepareWrite({ collection: 'tickets', id: 't-1', doc: doc('t-1', 'c-1', 1), row: 1 }, fields),
    ]);
    await bulk.close();
    inspectFile(path, (reopened) => {
      expect(reopened.pragma('journal_mode', { simple: true })).toBe('wal');
    });
  });

  it('writes, rewrites and deletes documents by row, then serves them by id like any store', async () => {
    const path = join(dir(), 'read.db');
    const bulk = await openBulk(path);
    bulk.writePrepared([
      prepareWrite({ collection: 'tickets', id: 't-1', doc: doc('t-1', 'c-1', 1), row: 7 }, fields),
      prepareWrite({ collection: 'tickets', id: 't-2', doc: doc('t-2', 'c-2', 1), row: 3 }, fields),
      prepareWrite({ collection: 'tickets', id: 't-3', doc: doc('t-3', 'c-1', 1), row: 12 }, fields),
    ]);
    bulk.writePrepared([
      prepareWrite({ collection: 'tickets', id: 't-1', doc: doc('t-1', 'c-2', 2), row: 7 }, fields),
      prepareWrite({ collection: 'tickets', id: 't-3', doc: null, row: 12 }, fields),
    ]);
    const byRow = bulk.getRows('tickets', [7, 3, 12]);
    expect([...byRow.entries()].sort()).toEqual([
      [3, doc('t-2', 'c-2', 1)],
      [7, doc('t-1', 'c-2', 2)],
    ]);
    await bulk.ensureIndexes('tickets', [{ fields }]);
    expect(
      await bulk.find('tickets', { filter: { customerId: 'c-2' }, sort: { field: 'id', direction: 'asc' } }),
    ).toEqual([doc('t-1', 'c-2', 2), doc('t-2', 'c-2', 1)]);
    await bulk.close();

    // Normal use after the load: ids are unique, an upsert replaces the document.
    const live = new SqliteReadStore({ path });
    await live.commit('p', [{ collection: 'tickets', id: 't-2', doc: doc('t-2', 'c-1', 3) }], 5n);
    expect(await live.count('tickets')).toBe(2);
    expect(await live.get('tickets', 't-2')).toEqual(doc('t-2', 'c-1', 3));
    await live.close();
  });

  it('keeps a row where its number says once something has built the id index mid-load', async () => {
    const bulk = await openBulk();
    bulk.writePrepared([
      prepareWrite({ collection: 'tickets', id: 't-1', doc: doc('t-1', 'c-1', 1), row: 40 }, fields),
    ]);
    // A read by id builds the unique index on ids before the load is over.
    expect(await bulk.get('tickets', 't-1')).toEqual(doc('t-1', 'c-1', 1));
    bulk.writePrepared([
      // (Row 7, not the next free one, 41, which an insert by id would also have taken.)
      prepareWrite({ collection: 'tickets', id: 't-2', doc: doc('t-2', 'c-1', 1), row: 7 }, fields),
      prepareWrite({ collection: 'tickets', id: 't-1', doc: doc('t-1', 'c-1', 2), row: 40 }, fields),
    ]);
    expect([...bulk.getRows('tickets', [40, 7]).entries()].sort()).toEqual([
      [40, doc('t-1', 'c-1', 2)],
      [7, doc('t-2', 'c-1', 1)],
    ]);
    expect(await bulk.count('tickets')).toBe(2);
    await bulk.close();
  });

  it('fails, rather than keeping both, when a load wrote one id in two rows', async () => {
    const bulk = await openBulk();
    bulk.writePrepared([
      prepareWrite({ collection: 'tickets', id: 't-1', doc: doc('t-1', 'c-1', 1), row: 1 }, fields),
      prepareWrite({ collection: 'tickets', id: 't-1', doc: doc('t-1', 'c-1', 2), row: 2 }, fields),
    ]);
    expect(await failure(bulk.ensureIndexes('tickets', [{ fields }]))).toMatch(/UNIQUE constraint failed/);
    expect(await failure(bulk.close())).toMatch(/UNIQUE constraint failed/);
  });

  it('fails the same way when the rows were written through commit', async () => {
    const bulk = await openBulk();
    await bulk.commit(
      'p',
      [
        { collection: 'tickets', id: 't-1', doc: doc('t-1', 'c-1', 1), row: 1 },
        { collection: 'tickets', id: 't-1', doc: doc('t-1', 'c-1', 2), row: 2 },
      ],
      2n,
    );
    expect(await failure(bulk.ensureIndexes('tickets', [{ fields }]))).toMatch(/UNIQUE constraint failed/);
    bulk.discard();
  });
});

describe('embedded SQLite: a sparse index', () => {
  const dir = tempDirPerTest('sqlite-sparse-');

  it('holds only the documents with a value, and serves a range of that field', async () => {
    const path = join(dir(), 'read.db');
    const store = new SqliteReadStore({ path });
    await store.ensureIndexes('tickets', [{ fields: ['dueAt'], sparse: true }]);
    const docs = Array.from({ length: 300 }, (_, n) => ({
      id: `t-${String(n).padStart(3, '0')}`,
      dueAt: n % 10 === 0 ? `2026-03-01T00:00:${String(n % 60).padStart(2, '0')}.000Z` : null,
    }));
    await store.commit(
      'p',
      docs.map((doc) => ({ collection: 'tickets', id: doc.id, doc })),
      1n,
    );
    const due = await store.find<{ id: string }>('tickets', {
      filter: { dueAt: { $lte: '2026-03-01T00:00:30.000Z' } },
      fields: ['id'],
    });
    expect(due.map((doc) => doc.id).sort()).toEqual(
      docs
        .filter((doc) => doc.dueAt !== null && doc.dueAt <= '2026-03-01T00:00:30.000Z')
        .map((doc) => doc.id),
    );
    await store.close();
    inspectFile(path, (raw) => {
      // 30 of the 300 documents have a value: the index has 30 entries.
      const entries = raw
        .prepare("SELECT SUM(ncell) FROM dbstat WHERE name = 'ix_tickets_dueAt' AND pagetype = 'leaf'")
        .pluck()
        .get();
      expect(entries).toBe(30);
      const plan = planOf(raw, `SELECT id FROM docs_tickets WHERE "f_dueAt" <= '2026-03-01T00:00:30.000Z'`);
      expect(plan).toContain('ix_tickets_dueAt');
    });
  });
});

describe('embedded SQLite: statistics for the query planner', () => {
  const dir = tempDirPerTest('sqlite-stats-');

  it('analyzes a freshly loaded file when it is opened, so that a common value is read in the sort index', async () => {
    const path = join(dir(), 'read.db');
    const fields = ['status', 'lastEventAt'];
    const bulk = new SqliteReadStore({ path, bulkLoad: true });
    await bulk.prepareIndexes('tickets', [{ fields }]);
    // 2,000 tickets, all closed but ten, their last events in order.
    const docs = Array.from({ length: 2000 }, (_, n) => ({
      id: `t-${String(n).padStart(4, '0')}`,
      status: n % 200 === 0 ? 'open' : 'closed',
      lastEventAt: `2026-03-01T00:00:${String(n % 60).padStart(2, '0')}.${String(n).padStart(4, '0')}Z`,
    }));
    bulk.writePrepared(
      docs.map((doc, n) => prepareWrite({ collection: 'tickets', id: doc.id, doc, row: n + 1 }, fields)),
    );
    await bulk.ensureIndexes('tickets', [{ fields: ['status'] }, { fields: ['lastEventAt'] }]);
    await bulk.close();
    const raw = new Database(path, { readonly: true });
    const statistics = () =>
      (raw.prepare("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").get() === undefined
        ? []
        : (raw
            .prepare('SELECT DISTINCT idx FROM sqlite_stat1 WHERE tbl = ?')
            .pluck()
            .all('docs_tickets') as string[])
      ).sort();
    const indexFor = (status: string) =>
      planOf(
        raw,
        `SELECT rowid FROM docs_tickets WHERE "f_status" = '${status}' ORDER BY "f_lastEventAt" DESC, id DESC LIMIT 20`,
      );
    try {
      expect(statistics()).toEqual([]);
      const live = new SqliteReadStore({ path });
      try {
        expect(statistics()).toEqual(['ix_tickets_lastEventAt', 'ix_tickets_status', 'ux_tickets_id']);
        expect(indexFor('closed')).toContain('ix_tickets_lastEventAt');
        expect(indexFor('open')).toContain('ix_tickets_status');
        const newest = async (status: string) =>
          (
            await live.find<{ id: string }>('tickets', {
              filter: { status },
              sort: { field: 'lastEventAt', direction: 'desc' },
              limit: 3,
            })
          ).map((doc) => doc.id);
        const expected = (status: string) =>
          docs
            .filter((doc) => doc.status === status)
            .sort((a, b) => (a.lastEventAt < b.lastEventAt ? 1 : -1))
            .slice(0, 3)
            .map((doc) => doc.id);
        expect(await newest('closed')).toEqual(expected('closed'));
        expect(await newest('open')).toEqual(expected('open'));
      } finally {
        await live.close();
      }
    } finally {
      raw.close();
    }
  });
  it('analyzes a table grown tenfold whole, not under a row limit, when it is closed', async () => {
    const path = join(dir(), 'read.db');
    const live = new SqliteReadStore({ path });
    await live.ensureIndexes('tickets', [{ fields: ['status'] }]);
    // 5,000 tickets, half open and half closed: 2,500 rows a status.
    await live.commit(
      'p',
      Array.from({ length: 5000 }, (_, n) => ({
        collection: 'tickets',
        id: `t-${n}`,
        doc: { id: `t-${n}`, status: n % 2 === 0 ? 'open' : 'closed' },
      })),
      1n,
    );
    await live.close();
    inspectFile(path, (raw) => {
      const stat = raw
        .prepare('SELECT stat FROM sqlite_stat1 WHERE idx = ?')
        .pluck()
        .get('ix_tickets_status');
      expect(String(stat).split(' ').slice(0, 2)).toEqual(['5000', '2500']);
    });
  });
});
