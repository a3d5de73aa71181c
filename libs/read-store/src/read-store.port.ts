/**
 * The read-store port: documents of projected read models plus each projection's checkpoint.
 * Adapters (embedded SQLite, MongoDB) pass the shared contract suite in test/contracts.
 */
export const READ_STORE = Symbol('READ_STORE');

export type Scalar = string | number | boolean;

/** A condition on one field of a document (dotted paths reach into sub-documents). */
export type Condition =
  | Scalar
  | { readonly $in: readonly Scalar[] }
  | {
      readonly $gt?: Scalar;
      readonly $gte?: Scalar;
      readonly $lt?: Scalar;
      readonly $lte?: Scalar;
    }
  /** The field is absent, null, or greater than the value (e.g. "not breached by now"). */
  | { readonly $nullOrGt: Scalar }
  | { readonly $isNull: boolean };

export type Filter = Readonly<Record<string, Condition>>;

export interface FindOptions {
  readonly filter?: Filter;
  /** Sorted by this field, then by id in the same direction (a total order for cursors). */
  readonly sort?: { readonly field: string; readonly direction: 'asc' | 'desc' };
  readonly limit?: number;
  /** Keyset pagination: documents after this (sort value, id) in the sort order. */
  readonly after?: { readonly value: Scalar | null; readonly id: string };
  /** Return only these (dotted) fields of each document, nested as in the document; absent ones are left out. */
  readonly fields?: readonly string[];
}

export interface DocumentWrite {
  readonly collection: string;
  readonly id: string;
  /** The whole new document, or null to delete it. */
  readonly doc: object | null;
  /**
   * A bulk load's own number for the document's row (unique per collection within the load), so that a
   * store loading a fresh file can write and read it back without an index on ids (SqliteReadStore with
   * `bulkLoad`). Other writes leave it out; stores that do not bulk load ignore it.
   */
  readonly row?: number;
}

export type ProjectionStatus = 'running' | 'stopped';

export interface ProjectionCheckpoint {
  readonly projection: string;
  /** Global position of the last event applied (0n before any). */
  readonly position: bigint;
  readonly status: ProjectionStatus;
  /** Why it stopped: the event it could not apply and the reason. */
  readonly error: string | null;
  readonly updatedAt: string;
}

/** Fields to index together, for the queries a read model answers. */
export interface IndexSpec {
  readonly fields: readonly string[];
  /**
   * The index also holds the whole document (where the store can), so that a query reading a range of it,
   * such as a month's report facts, reads them in index order without visiting each document's row.
   */
  readonly covering?: boolean;
  /**
   * Only documents whose first field has a value (not null) need to be in the index: it serves queries that
   * ask for a value or a range of that field, never for its absence (a ticket's next automation date, which
   * most tickets do not have). A store may keep a full index instead. Not for a field that pages sorted by
   * another one filter on: SQLite then read the whole sparse index and sorted it rather than walk the sort's
   * index (a ticket's breach date; docs/performance.md, eleventh session).
   */
  readonly sparse?: boolean;
  /**
   * No index is built: these fields only decide which documents a query keeps while another index gives
   * the order (a list of incidents sorted by priority). A store keeps them where a filter reads them
   * cheaply (SQLite: as columns of the indexed table, so that a filter on them never reads a document).
   */
  readonly filterOnly?: boolean;
  /**
   * Fields the index also holds after the id, not in its order: a query that filters on the indexed fields
   * and reads or sorts by these is answered from the index alone (a month of resolutions sorted by logging),
   * while the order the index gives stays (field, id), the keyset order of a page.
   */
  readonly include?: readonly string[];
}

/** Every field the indexes name, in their order or after the id: what a store keeps ready to query. */
export function indexedFields(indexes: readonly IndexSpec[]): string[] {
  return [...new Set(indexes.flatMap((index) => [...index.fields, ...(index.include ?? [])]))];
}

export interface ReadStore {
  /** Writes the documents and moves the projection's checkpoint, in one transaction. */
  commit(projection: string, writes: readonly DocumentWrite[], position: bigint): Promise<void>;
  checkpoint(projection: string): Promise<ProjectionCheckpoint | null>;
  /** Records that the projection stopped on an event it cannot apply; its checkpoint stays before it. */
  markStopped(projection: string, error: string): Promise<void>;
  get<T extends object>(collection: string, id: string): Promise<T | null>;
  getMany<T extends object>(collection: string, ids: readonly string[]): Promise<Map<string, T>>;
  find<T extends object>(collection: string, options?: FindOptions): Promise<T[]>;
  count(collection: string, filter?: Filter): Promise<number>;
  /** Drops the collections' documents and the projection's checkpoint (the start of a rebuild). */
  reset(projection: string, collections: readonly string[]): Promise<void>;
  /**
   * Prepares a collection for these indexes without building them yet (a rebuild builds them once
   * loaded): the fields they name, and where the store keeps the documents (a covering index holds them).
   */
  prepareIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void>;
  /** Creates the indexes (and their fields) if missing; a rebuild calls it after loading, which is faster. */
  ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void>;
  close(): Promise<void>;
}
