import { Query, find } from 'mingo';
import type { MongoClient } from 'mongodb';

type Doc = { _id: string; [field: string]: unknown };
type Filter = Record<string, unknown>;

const clone = <T>(value: T): T => structuredClone(value);

/**
 * An in-memory stand-in for the few MongoClient calls the MongoDB read store makes, evaluating queries,
 * sorts and projections with mingo (an implementation of MongoDB's query language). It lets the read-store
 * contract exercise the adapter's translation of filters, keyset pagination and projections on every
 * `npm test`; it is not MongoDB: the real server runs the same contract when MONGODB_URL is set.
 */
class FakeCollection {
  docs = new Map<string, Doc>();

  private matching(filter: Filter): Doc[] {
    const query = new Query(filter);
    return [...this.docs.values()].filter((doc) => query.test(doc));
  }

  async bulkWrite(
    operations: Array<Record<string, { filter: Filter; replacement?: Doc; upsert?: boolean }>>,
  ) {
    for (const operation of operations) {
      if (operation.deleteOne) {
        for (const doc of this.matching(operation.deleteOne.filter).slice(0, 1)) this.docs.delete(doc._id);
      } else if (operation.replaceOne) {
        const { filter, replacement } = operation.replaceOne;
        const existing = this.matching(filter)[0];
        const id = existing?._id ?? (filter._id as string);
        this.docs.set(id, clone({ ...(replacement as Doc), _id: id }));
      } else throw new Error(`fake-mongo: unsupported bulk operation ${Object.keys(operation)}`);
    }
  }

  async updateOne(
    filter: Filter,
    update: { $set?: Filter; $setOnInsert?: Filter },
    options: { upsert?: boolean } = {},
  ) {
    const existing = this.matching(filter)[0];
    if (existing) Object.assign(existing, clone(update.$set ?? {}));
    else if (options.upsert)
      this.docs.set(
        filter._id as string,
        clone({ _id: filter._id as string, ...update.$setOnInsert, ...update.$set }),
      );
  }

  async findOne(filter: Filter) {
    const found = this.matching(filter)[0];
    return found ? clone(found) : null;
  }

  find(filter: Filter) {
    let sort: Record<string, 1 | -1> | undefined;
    let limit: number | undefined;
    let projection: Record<string, 0 | 1> | undefined;
    const run = () => {
      let cursor = find([...this.docs.values()].map(clone), filter, projection);
      if (sort) cursor = cursor.sort(sort);
      if (limit !== undefined) cursor = cursor.limit(limit);
      return cursor.all() as Doc[];
    };
    const handle = {
      sort: (value: Record<string, 1 | -1>) => ((sort = value), handle),
      limit: (value: number) => ((limit = value), handle),
      project: (value: Record<string, 0 | 1>) => ((projection = value), handle),
      toArray: async () => run(),
      async *[Symbol.asyncIterator]() {
        yield* run();
      },
    };
    return handle;
  }

  async countDocuments(filter: Filter) {
    return this.matching(filter).length;
  }

  async deleteMany(filter: Filter) {
    for (const doc of this.matching(filter)) this.docs.delete(doc._id);
  }

  async deleteOne(filter: Filter) {
    for (const doc of this.matching(filter).slice(0, 1)) this.docs.delete(doc._id);
  }

  async createIndex() {
    return 'index';
  }
}

export function fakeMongoClient(): MongoClient {
  const collections = new Map<string, FakeCollection>();
  const db = {
    collection: (name: string) => {
      if (!collections.has(name)) collections.set(name, new FakeCollection());
      return collections.get(name);
    },
  };
  const client = {
    db: () => db,
    startSession: () => ({
      // All or nothing, as a transaction: a failure restores every collection.
      withTransaction: async (work: () => Promise<void>) => {
        const before = new Map([...collections].map(([name, c]) => [name, clone(c.docs)]));
        try {
          await work();
        } catch (error) {
          for (const [name, c] of collections) c.docs = before.get(name) ?? new Map();
          throw error;
        }
      },
      endSession: async () => undefined,
    }),
    close: async () => undefined,
  };
  return client as unknown as MongoClient;
}
