import { Filter, FindOptions, ReadStore } from '@app/read-store';

interface Item {
  id: string;
  customerId: string;
  priority: string;
  loggedAt: string;
  breachedAt: string | null;
  open: boolean;
  sla: { minutes: number };
}

/** The behaviour every read-store adapter must have. */
export function readStoreContract(
  adapterName: string,
  open: () => Promise<{ store: ReadStore; dispose: () => Promise<void> }>,
): void {
  describe(`read store contract: ${adapterName}`, () => {
    let store: ReadStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, dispose } = await open());
      await store.ensureIndexes('items', [{ fields: ['customerId', 'loggedAt'] }]);
    });
    afterEach(() => dispose());

    const items: Item[] = Array.from({ length: 25 }, (_, n) => ({
      id: `t-${String(n).padStart(2, '0')}`,
      customerId: n % 2 === 0 ? 'acme' : 'globex',
      priority: `P${(n % 4) + 1}`,
      loggedAt: `2026-03-${String(1 + (n % 10)).padStart(2, '0')}T09:00:00.000Z`,
      breachedAt: n % 3 === 0 ? `2026-03-${String(1 + (n % 20)).padStart(2, '0')}T12:00:00.000Z` : null,
      open: n % 5 !== 0,
      sla: { minutes: n * 10 },
    }));
    const seed = () =>
      store.commit(
        'p',
        items.map((item) => ({ collection: 'items', id: item.id, doc: item })),
        25n,
      );
    /** The ids of the items a filter finds, sorted by id unless `sort` says otherwise. */
    const idsWhere = async (
      filter: Filter,
      sort: FindOptions['sort'] = { field: 'id', direction: 'asc' },
      limit?: number,
    ) => (await store.find<Item>('items', { filter, sort, limit })).map((item) => item.id);

    it('commits documents and the checkpoint together, and reads them back', async () => {
      expect(await store.checkpoint('p')).toBeNull();
      await seed();
      expect(await store.checkpoint('p')).toMatchObject({
        projection: 'p',
        position: 25n,
        status: 'running',
        error: null,
      });
      expect(await store.get('items', 't-03')).toEqual(items[3]);
      expect(await store.get('items', 'nope')).toBeNull();
      const many = await store.getMany<Item>('items', ['t-01', 't-02', 'nope']);
      expect([...many.keys()].sort()).toEqual(['t-01', 't-02']);
    });

    it('replaces and deletes documents', async () => {
      await seed();
      await store.commit(
        'p',
        [
          { collection: 'items', id: 't-01', doc: { ...items[1], priority: 'P1' } },
          { collection: 'items', id: 't-02', doc: null },
        ],
        30n,
      );
      expect(await store.get<Item>('items', 't-01')).toMatchObject({ priority: 'P1' });
      expect(await store.get('items', 't-02')).toBeNull();
      expect((await store.checkpoint('p'))?.position).toBe(30n);
    });

    it('filters by equality, $in, ranges, booleans, nested fields and "null or after"', async () => {
      await seed();
      const ids = (filter: object) => idsWhere(filter as Filter);
      const expected = (predicate: (item: Item) => boolean) => items.filter(predicate).map((i) => i.id);
      expect(await ids({ customerId: 'acme' })).toEqual(expected((i) => i.customerId === 'acme'));
      expect(await ids({ priority: { $in: ['P1', 'P4'] } })).toEqual(
        expected((i) => ['P1', 'P4'].includes(i.priority)),
      );
      expect(await ids({ loggedAt: { $gte: '2026-03-03', $lt: '2026-03-05' } })).toEqual(
        expected((i) => i.loggedAt >= '2026-03-03' && i.loggedAt < '2026-03-05'),
      );
      expect(await ids({ open: false })).toEqual(expected((i) => !i.open));
      expect(await ids({ 'sla.minutes': { $gt: 200 } })).toEqual(expected((i) => i.sla.minutes > 200));
      expect(await ids({ breachedAt: { $lte: '2026-03-07T00:00:00.000Z' } })).toEqual(
        expected((i) => i.breachedAt !== null && i.breachedAt <= '2026-03-07T00:00:00.000Z'),
      );
      expect(await ids({ breachedAt: { $nullOrGt: '2026-03-07T00:00:00.000Z' } })).toEqual(
        expected((i) => i.breachedAt === null || i.breachedAt > '2026-03-07T00:00:00.000Z'),
      );
      expect(await ids({ breachedAt: { $isNull: true } })).toEqual(expected((i) => i.breachedAt === null));
      expect(await store.count('items', { customerId: 'globex' })).toBe(12);
    });

    it.each(['asc', 'desc'] as const)(
      'pages through a sort %s with a keyset cursor, missing and repeating nothing',
      async (direction) => {
        await seed();
        for (const field of ['loggedAt', 'breachedAt']) {
          const seen: string[] = [];
          let after: { value: string | null; id: string } | undefined;
          for (;;) {
            const page = await store.find<Item>('items', { sort: { field, direction }, limit: 4, after });
            if (page.length === 0) break;
            seen.push(...page.map((i) => i.id));
            const last = page[page.length - 1];
            after = { value: last[field as 'loggedAt'] as string | null, id: last.id };
          }
          const sorted = [...items].sort((a, b) => {
            const av = a[field as 'loggedAt'] ?? '';
            const bv = b[field as 'loggedAt'] ?? '';
            const order = av < bv ? -1 : av > bv ? 1 : a.id < b.id ? -1 : 1;
            return direction === 'asc' ? order : -order;
          });
          expect([field, seen]).toEqual([field, sorted.map((i) => i.id)]);
        }
      },
    );

    it.each(['asc', 'desc'] as const)(
      'gives the first page of a filtered sort %s, whether an index gives the order or not',
      async (direction) => {
        await seed();
        const value = (item: Item, field: string) =>
          field === 'sla.minutes' ? item.sla.minutes : (item[field as 'breachedAt'] ?? '');
        for (const field of ['loggedAt', 'breachedAt', 'sla.minutes']) {
          const page = await store.find<Item>('items', {
            // A window of another field than the sort's too (loggedAt: the whole range, both ends bounded).
            filter: {
              customerId: 'globex',
              open: true,
              ...(field === 'loggedAt' ? {} : { loggedAt: { $gte: '2026-03-01', $lt: '2026-04-01' } }),
            },
            sort: { field, direction },
            limit: 3,
          });
          const expected = items
            .filter((i) => i.customerId === 'globex' && i.open)
            .sort((a, b) => {
              const [av, bv] = [value(a, field), value(b, field)];
              const order = av < bv ? -1 : av > bv ? 1 : a.id < b.id ? -1 : 1;
              return direction === 'asc' ? order : -order;
            })
            .slice(0, 3)
            .map((i) => i.id);
          expect([field, page.map((i) => i.id)]).toEqual([field, expected]);
        }
      },
    );

    it('finds an updated document by its new values only, whichever indexed fields changed', async () => {
      await seed();
      const ids = async (filter: object) =>
        (await idsWhere(filter as Filter)).filter((id) => id === 't-03' || id === 't-04');
      // t-03 (globex, 2026-03-04) moves to acme and gets a breach; t-04 changes only a field with no index.
      await store.commit(
        'p',
        [
          { collection: 'items', id: 't-03', doc: { ...items[3], customerId: 'acme', breachedAt: null } },
          { collection: 'items', id: 't-04', doc: { ...items[4], sla: { minutes: 999 } } },
        ],
        26n,
      );
      expect(await ids({ customerId: 'acme' })).toEqual(['t-03', 't-04']);
      expect(await ids({ breachedAt: { $isNull: false } })).toEqual([]);
      // Then only its logging date changes (the customer column keeps its value), and the breach is back.
      await store.commit(
        'p',
        [
          {
            collection: 'items',
            id: 't-03',
            doc: { ...items[3], customerId: 'acme', loggedAt: '2026-04-01' },
          },
        ],
        27n,
      );
      expect(await ids({ customerId: 'acme' })).toEqual(['t-03', 't-04']);
      expect(await ids({ customerId: 'globex' })).toEqual([]);
      expect(await ids({ loggedAt: { $gte: '2026-04-01' } })).toEqual(['t-03']);
      expect(await ids({ breachedAt: { $isNull: false } })).toEqual(['t-03']);
      expect(await ids({ 'sla.minutes': 999 })).toEqual(['t-04']);
      expect(await store.get<Item>('items', 't-03')).toEqual({
        ...items[3],
        customerId: 'acme',
        loggedAt: '2026-04-01',
      });
    });

    it('indexes a field declared after documents exist, and still finds them by it', async () => {
      await seed();
      await store.ensureIndexes('items', [{ fields: ['priority', 'loggedAt'] }, { fields: ['sla.minutes'] }]);
      const found = await store.find<Item>('items', {
        filter: { priority: 'P2', 'sla.minutes': { $gte: 50 } },
        sort: { field: 'loggedAt', direction: 'asc' },
      });
      expect(found.map((i) => i.id).sort()).toEqual(
        items.filter((i) => i.priority === 'P2' && i.sla.minutes >= 50).map((i) => i.id),
      );
      await store.commit(
        'p',
        [{ collection: 'items', id: 't-01', doc: { ...items[1], priority: 'P3' } }],
        26n,
      );
      expect((await store.find<Item>('items', { filter: { priority: 'P3' } })).map((i) => i.id)).toContain(
        't-01',
      );
    });

    it('answers every query on a sparsely indexed field, those for documents without a value too', async () => {
      await store.ensureIndexes('items', [{ fields: ['breachedAt'], sparse: true }]);
      await seed();
      const ids = (filter: Filter) => idsWhere(filter);
      const cut = '2026-03-10T00:00:00.000Z';
      const expected = (keep: (breachedAt: string | null) => boolean) =>
        items.filter((item) => keep(item.breachedAt)).map((item) => item.id);
      expect(await ids({ breachedAt: { $lte: cut } })).toEqual(expected((at) => at !== null && at <= cut));
      expect(await ids({ breachedAt: { $isNull: true } })).toEqual(expected((at) => at === null));
      expect(await ids({ breachedAt: { $nullOrGt: cut } })).toEqual(
        expected((at) => at === null || at > cut),
      );
      expect(await store.count('items', { breachedAt: { $isNull: false } })).toBe(
        expected((at) => at !== null).length,
      );
      // A document that loses its value, and one that gains one.
      await store.commit(
        'p',
        [
          { collection: 'items', id: 't-00', doc: { ...items[0], breachedAt: null } },
          { collection: 'items', id: 't-01', doc: { ...items[1], breachedAt: '2026-03-02T00:00:00.000Z' } },
        ],
        26n,
      );
      expect(await ids({ breachedAt: { $lte: cut } })).toEqual(
        [...expected((at) => at !== null && at <= cut).filter((id) => id !== 't-00'), 't-01'].sort(),
      );
    });

    it('filters on filter-only fields, before and after documents change them', async () => {
      await store.ensureIndexes('items', [{ fields: ['priority'], filterOnly: true }]);
      await seed();
      const ids = (filter: Filter) => idsWhere(filter, { field: 'loggedAt', direction: 'desc' }, 50);
      const byLogging = (keep: (item: Item) => boolean) =>
        items
          .filter(keep)
          .sort((a, b) =>
            a.loggedAt === b.loggedAt ? (a.id < b.id ? 1 : -1) : a.loggedAt < b.loggedAt ? 1 : -1,
          )
          .map((item) => item.id);
      expect(await ids({ priority: 'P2' })).toEqual(byLogging((item) => item.priority === 'P2'));
      expect(await ids({ priority: 'P2', customerId: 'globex' })).toEqual(
        byLogging((item) => item.priority === 'P2' && item.customerId === 'globex'),
      );
      await store.commit(
        'p',
        [{ collection: 'items', id: 't-01', doc: { ...items[1], priority: 'P3' } }],
        26n,
      );
      expect(await ids({ priority: 'P2' })).not.toContain('t-01');
      expect(await ids({ priority: 'P3' })).toContain('t-01');
      expect(await store.count('items', { priority: 'P3' })).toBe(
        items.filter((item) => item.priority === 'P3').length + 1,
      );
    });

    it('returns only the fields asked for, nested as in the documents', async () => {
      await seed();
      const found = await store.find<Partial<Item>>('items', {
        filter: { customerId: 'acme' },
        sort: { field: 'id', direction: 'asc' },
        limit: 2,
        fields: ['id', 'priority', 'sla.minutes', 'breachedAt'],
      });
      expect(found).toEqual([
        { id: 't-00', priority: 'P1', sla: { minutes: 0 }, breachedAt: '2026-03-01T12:00:00.000Z' },
        { id: 't-02', priority: 'P3', sla: { minutes: 20 }, breachedAt: null },
      ]);
    });

    it('returns only the ids asked for of a page sorted by a field that is not indexed', async () => {
      await seed();
      const found = await store.find<Partial<Item>>('items', {
        filter: { customerId: 'globex' },
        sort: { field: 'sla.minutes', direction: 'desc' },
        limit: 3,
        fields: ['id'],
      });
      expect(found).toEqual(
        items
          .filter((item) => item.customerId === 'globex')
          .sort((a, b) => b.sla.minutes - a.sla.minutes)
          .slice(0, 3)
          .map((item) => ({ id: item.id })),
      );
    });

    it('marks a projection stopped with the reason, keeping its position', async () => {
      await seed();
      await store.markStopped('p', 'event ticket-1@3: unknown schema version 9');
      expect(await store.checkpoint('p')).toMatchObject({
        position: 25n,
        status: 'stopped',
        error: 'event ticket-1@3: unknown schema version 9',
      });
    });

    it('resets a projection: its documents and its checkpoint', async () => {
      await seed();
      await store.commit('other', [{ collection: 'others', id: 'x', doc: { id: 'x' } }], 3n);
      await store.reset('p', ['items']);
      expect(await store.count('items')).toBe(0);
      expect(await store.checkpoint('p')).toBeNull();
      expect(await store.get('others', 'x')).toEqual({ id: 'x' });
    });
  });
}
