import {
  AnyBulkWriteOperation,
  ClientSession,
  Collection,
  Db,
  Filter as MongoFilter,
  MongoClient,
} from 'mongodb';
import {
  Condition,
  DocumentWrite,
  Filter,
  FindOptions,
  IndexSpec,
  ProjectionCheckpoint,
  ReadStore,
} from '../read-store.port';

interface CheckpointDoc {
  _id: string;
  /** A decimal string: positions are exact BigInts, beyond what a double holds. */
  position: string;
  status: 'running' | 'stopped';
  error: string | null;
  updatedAt: string;
}

const CHECKPOINTS = 'projection_checkpoints';

/** A read-model document as stored: the port's document with its id as `_id`. */
interface ReadDoc {
  _id: string;
  [field: string]: unknown;
}
type Query = MongoFilter<ReadDoc>;

export interface MongoReadStoreOptions {
  readonly now?: () => Date;
}

function conditionOf(field: string, condition: Condition): Query {
  if (typeof condition !== 'object') return { [field]: condition };
  if ('$in' in condition) return { [field]: { $in: [...condition.$in] } };
  if ('$nullOrGt' in condition)
    return { $or: [{ [field]: null }, { [field]: { $gt: condition.$nullOrGt } }] };
  if ('$isNull' in condition) return condition.$isNull ? { [field]: null } : { [field]: { $ne: null } };
  return { [field]: { ...condition } };
}

/** The port's filter as a MongoDB query (`null` matches a missing field too, as in the embedded store). */
export function mongoFilterOf(filter: Filter = {}): Query {
  const parts = Object.entries(filter).map(([field, condition]) =>
    conditionOf(field === 'id' ? '_id' : field, condition),
  );
  return parts.length === 0 ? {} : parts.length === 1 ? parts[0] : { $and: parts };
}

/** Keyset pagination over (sort value, _id); null sort values come first in ascending order. */
function afterOf(field: string, direction: 'asc' | 'desc', after: { value: unknown; id: string }): Query {
  const { value, id } = after;
  if (value === null) {
    return direction === 'desc'
      ? { [field]: null, _id: { $lt: id } }
      : { $or: [{ [field]: null, _id: { $gt: id } }, { [field]: { $ne: null } }] };
  }
  return direction === 'desc'
    ? { $or: [{ [field]: { $lt: value } }, { [field]: value, _id: { $lt: id } }, { [field]: null }] }
    : { $or: [{ [field]: { $gt: value } }, { [field]: value, _id: { $gt: id } }] };
}

const withoutId = ({ _id, ...doc }: ReadDoc) => doc;

/**
 * The read-store port on MongoDB. Documents and the projection's checkpoint are written in one
 * multi-document transaction (MongoDB must run as a replica set; a single node is enough), so that a
 * crash never leaves documents ahead of or behind their checkpoint: the same guarantee as the embedded
 * store, which the projection runner relies on. Document ids are `_id`.
 */
export class MongoReadStore implements ReadStore {
  private readonly db: Db;
  private readonly now: () => Date;

  constructor(
    private readonly client: MongoClient,
    databaseName?: string,
    options: MongoReadStoreOptions = {},
  ) {
    this.db = client.db(databaseName);
    this.now = options.now ?? (() => new Date());
  }

  /** e.g. `mongodb://localhost:27017/service_desk?replicaSet=rs0` (the database comes from the path). */
  static async connect(url: string, options: MongoReadStoreOptions = {}): Promise<MongoReadStore> {
    const client = new MongoClient(url);
    await client.connect();
    return new MongoReadStore(client, undefined, options);
  }

  private collection(name: string): Collection<ReadDoc> {
    return this.db.collection<ReadDoc>(name);
  }

  async commit(projection: string, writes: readonly DocumentWrite[], position: bigint): Promise<void> {
    const byCollection = new Map<string, AnyBulkWriteOperation<ReadDoc>[]>();
    for (const write of writes) {
      const operations = byCollection.get(write.collection) ?? [];
      byCollection.set(write.collection, operations);
      operations.push(
        write.doc === null
          ? { deleteOne: { filter: { _id: write.id } } }
          : {
              replaceOne: {
                filter: { _id: write.id },
                replacement: { ...write.doc, _id: write.id },
                upsert: true,
              },
            },
      );
    }
    const session: ClientSession = this.client.startSession();
    try {
      await session.withTransaction(async () => {
        for (const [collection, operations] of byCollection) {
          await this.collection(collection).bulkWrite(operations, { session, ordered: true });
        }
        await this.db.collection<CheckpointDoc>(CHECKPOINTS).updateOne(
          { _id: projection },
          {
            $set: {
              position: position.toString(),
              status: 'running',
              error: null,
              updatedAt: this.now().toISOString(),
            },
          },
          { upsert: true, session },
        );
      });
    } finally {
      await session.endSession();
    }
  }

  async checkpoint(projection: string): Promise<ProjectionCheckpoint | null> {
    const doc = await this.db.collection<CheckpointDoc>(CHECKPOINTS).findOne({ _id: projection });
    if (!doc) return null;
    return {
      projection,
      position: BigInt(doc.position),
      status: doc.status,
      error: doc.error,
      updatedAt: doc.updatedAt,
    };
  }

  async markStopped(projection: string, error: string): Promise<void> {
    await this.db.collection<CheckpointDoc>(CHECKPOINTS).updateOne(
      { _id: projection },
      {
        $set: { status: 'stopped', error, updatedAt: this.now().toISOString() },
        $setOnInsert: { position: '0' },
      },
      { upsert: true },
    );
  }

  async get<T extends object>(collection: string, id: string): Promise<T | null> {
    const doc = await this.collection(collection).findOne({ _id: id });
    return doc ? (withoutId(doc) as T) : null;
  }

  async getMany<T extends object>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    if (ids.length === 0) return found;
    for await (const doc of this.collection(collection).find({ _id: { $in: [...ids] } })) {
      found.set(String(doc._id), withoutId(doc) as T);
    }
    return found;
  }

  async find<T extends object>(collection: string, options: FindOptions = {}): Promise<T[]> {
    const conditions: Query[] = [mongoFilterOf(options.filter)];
    let sort: Record<string, 1 | -1> = { _id: 1 };
    if (options.sort) {
      const field = options.sort.field === 'id' ? '_id' : options.sort.field;
      const order = options.sort.direction === 'desc' ? -1 : 1;
      sort = field === '_id' ? { _id: order } : { [field]: order, _id: order };
      if (options.after) conditions.push(afterOf(field, options.sort.direction, options.after));
    } else if (options.after) {
      conditions.push({ _id: { $gt: options.after.id } });
    }
    const filter = conditions.length === 1 ? conditions[0] : { $and: conditions };
    let cursor = this.collection(collection).find(filter).sort(sort);
    if (options.limit !== undefined) cursor = cursor.limit(Math.max(0, Math.floor(options.limit)));
    if (options.fields) {
      const projection: Record<string, 0 | 1> = { _id: 0 };
      for (const field of options.fields) projection[field === 'id' ? '_id' : field] = 1;
      if (options.fields.includes('id')) projection._id = 1;
      cursor = cursor.project(projection);
    }
    const docs = await cursor.toArray();
    if (!options.fields) return docs.map((doc) => withoutId(doc) as T);
    // Fields that are null in the document come back as null; absent ones stay absent.
    return docs.map((doc) => {
      const { _id, ...rest } = doc;
      return (options.fields?.includes('id') ? { id: _id, ...rest } : rest) as T;
    });
  }

  count(collection: string, filter?: Filter): Promise<number> {
    return this.collection(collection).countDocuments(mongoFilterOf(filter));
  }

  async reset(projection: string, collections: readonly string[]): Promise<void> {
    for (const collection of collections) await this.collection(collection).deleteMany({});
    await this.db.collection<CheckpointDoc>(CHECKPOINTS).deleteOne({ _id: projection });
  }

  /** MongoDB documents need no declared fields: nothing to prepare. */
  async prepareIndexes(): Promise<void> {}

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    for (const index of indexes) {
      // A filter-only spec asks for no index; a document's fields are all filterable as they are.
      if (index.filterOnly) continue;
      // With _id last, the index also serves the keyset order (sort field, id). A sparse spec gets a full
      // index: MongoDB uses a partial index only for queries that restate its filter (a `$type` or `$exists`),
      // which a range of dates does not.
      await this.db
        .collection(collection)
        .createIndex(
          Object.fromEntries([
            ...index.fields.map((field) => [field, 1]),
            ['_id', 1],
            ...(index.include ?? []).map((field) => [field, 1]),
          ]),
        );
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
