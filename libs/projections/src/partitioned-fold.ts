import { AgreementState, initialAgreementState } from '@app/domain';
import { EnvelopeClause, StoredEvent, asciiStart } from '@app/event-store';
import { DocumentWrite } from '@app/read-store';
import {
  EventEnvelope,
  ProjectedDocument,
  Projection,
  ProjectionContext,
  ReadModel,
  evolveOrFail,
  routes,
  writesOrFail,
} from './projection';

/**
 * Which of `partitions` partitions a document belongs to: FNV-1a of its id, so that documents of different
 * collections with the same id (a ticket and its report facts) fall in the same one.
 */
export function partitionOf(id: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/**
 * Where a rebuild divides the streams of one-document-per-stream models (`ReadModel.documentPerStream`):
 * `partitions - 1` ascending bounds taken from a sample of the stream ids to read (`sample`, as often as
 * each stream has events there), so that each range has about as many events. Partition p holds the streams
 * from bound p - 1 (inclusive) up to bound p. Bounds are cut to their ASCII start, where SQLite's and
 * JavaScript's string orders agree (see EnvelopeClause).
 */
export function streamBounds(sample: readonly string[], partitions: number): string[] {
  const sorted = [...sample].sort();
  const bounds: string[] = [];
  for (let p = 1; p < partitions; p++) {
    const picked = sorted.length === 0 ? '' : sorted[Math.floor((p * sorted.length) / partitions)];
    bounds.push(asciiStart(picked));
  }
  return bounds.sort();
}

/** The first string after every string that starts with `prefix` (null: none, for the empty prefix). */
function prefixEnd(prefix: string): string | null {
  if (prefix === '') return null;
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** The streams of both ranges, or null if none. */
function intersection(
  a: { readonly from: string; readonly to: string | null },
  b: { readonly from: string; readonly to: string | null },
): { from: string; to: string | null } | null {
  const from = a.from > b.from ? a.from : b.from;
  const to = a.to === null ? b.to : b.to === null ? a.to : a.to < b.to ? a.to : b.to;
  return to !== null && from >= to ? null : { from, to };
}

/** A document of this partition: held while it is being folded, or written out with its row number. */
interface Entry {
  readonly inMemory: false;
  readonly model: ReadModel;
  readonly id: string;
  /** Its key in the fold's map of its read model: the stream id for a document per stream, else the id. */
  readonly key: string;
  /** The folded document while held (null: none yet, or deleted); let go once written out. */
  doc: ProjectedDocument | null;
  held: boolean;
  /** Changed since the eviction scan last passed it (the "clock" approximation of least recently changed). */
  changed: boolean;
  /** The row number it was first written with; undefined until then. */
  row: number | undefined;
}

/** A document of a model kept in memory (every partition folds those from all their events). */
interface MemoryTarget {
  readonly inMemory: true;
  readonly model: ReadModel;
  readonly id: string;
}

type Target = Entry | MemoryTarget;

/** A document written out earlier, to be loaded back: by id, or by the row number it was written with. */
export interface WrittenKey {
  readonly collection: string;
  readonly id: string;
  readonly row: number;
}

export interface PartitionedFoldOptions {
  /** Into how many partitions the documents are divided. */
  readonly partitions: number;
  /** The partitions this fold owns (one thread may fold a larger share than another). */
  readonly owned: readonly number[];
  /**
   * The stream ranges of the partitions (`streamBounds`: partitions - 1 ascending ASCII bounds), by which
   * the documents of `documentPerStream` models are divided; the others' documents by a hash of their id.
   */
  readonly streamBounds: readonly string[];
  /** How many documents to hold before writing out those unchanged longest (about the least recently changed). */
  readonly capacity: number;
  /**
   * Where written documents get their row numbers: one for every fold of a rebuild (two folds counting
   * apart would give two documents one row, and a bulk load by row keeps the last one written).
   */
  readonly rows: RowNumbers;
}

/** Row numbers for written documents, unique across the folds of one rebuild. */
export interface RowNumbers {
  next(): number;
}

/** Row numbers counted in this thread: 1, 2, 3, ... */
export function localRowNumbers(): RowNumbers {
  let used = 0;
  return { next: () => (used += 1) };
}

/**
 * Row numbers counted in shared memory by every thread of a rebuild (`Atomics.add`), so that they rise in
 * about the order documents are written: the store being loaded appends rows instead of inserting them
 * between rows written earlier (docs/performance.md, eighth session). `buffer`: 4 bytes, zeroed.
 */
export function sharedRowNumbers(buffer: SharedArrayBuffer): RowNumbers {
  const counter = new Int32Array(buffer, 0, 1);
  return {
    next: () => {
      const row = Atomics.add(counter, 0, 1) + 1;
      if (row >= 0x7fffffff) throw new RangeError('a rebuild of more than 2^31 - 2 documents');
      return row;
    },
  };
}

/**
 * The fold of a rebuild, for one partition of a projection's documents: every document is the fold of the
 * events routed to it, in global order, so disjoint partitions can be folded side by side and give exactly
 * the documents one runner would. The only lookup across documents is the agreement a ticket is measured
 * by: the in-memory models are folded by every partition from all their events, in the same global order.
 *
 * Documents are held until evicted (about least recently changed first) or drained at the end, so that a
 * rebuild materializes and writes most documents once instead of once per batch. A document written out
 * and changed again later is loaded back first (`missing`), so nothing depends on the capacity but speed.
 *
 * Every written document gets a row number (`DocumentWrite.row`) when it is first written, unique across
 * all partitions (`RowNumbers`). Its derived documents share it (each derived document belongs to one
 * document). The store being loaded can then write and read documents back by row, without keeping an
 * index on ids up to date during the load.
 */
export class PartitionedFold {
  /**
   * Every document of this partition met so far that is held or was written out: per read model (in the
   * projection's order), by id, or by stream id for a document per stream. Keyed by the id itself, not a
   * string made of collection and id, so that routing an event builds no key to hash (docs/performance.md,
   * eighth session); and by the event's own stream id where that says which document it is, so that routing
   * it cuts no id out of it (a cut string is slower to hash and compare; ninth session... eleventh).
   */
  private readonly entries: ReadonlyArray<Map<string, Entry>>;
  /** The documents held, in the order they came in (or were passed over by an eviction scan). */
  private readonly held = new Set<Entry>();
  private readonly rows: RowNumbers;
  private readonly memory = new Map<string, Map<string, ProjectedDocument>>();
  private readonly context: ProjectionContext;
  private position = 0n;
  private readonly owned: ReadonlySet<number>;

  constructor(
    private readonly projection: Projection,
    private readonly options: PartitionedFoldOptions,
  ) {
    const bounds = options.streamBounds;
    if (
      bounds.length !== Math.max(0, options.partitions - 1) ||
      bounds.some((bound, i) => asciiStart(bound) !== bound || (i > 0 && bounds[i - 1] > bound))
    )
      throw new RangeError(
        `${options.partitions} partitions need ${options.partitions - 1} ascending ASCII stream bounds`,
      );
    for (const model of projection.readModels)
      if (model.documentPerStream && model.alsoApplies)
        throw new RangeError(
          `read model ${model.collection}: a document per stream applies no other stream's events`,
        );
    this.owned = new Set(options.owned);
    this.entries = projection.readModels.map(() => new Map<string, Entry>());
    this.rows = options.rows;
    for (const model of projection.readModels)
      if (model.keepInMemory) this.memory.set(model.collection, new Map());
    const agreements = this.memory.get('agreements');
    this.context = {
      agreement: (agreementId) =>
        (agreements?.get(agreementId) as AgreementState | undefined) ?? initialAgreementState,
    };
  }

  /** The stream ranges of the owned partitions, adjacent ones joined. */
  private ownedRanges(): Array<{ from: string; to: string | null }> {
    const bounds = this.options.streamBounds;
    const ranges: Array<{ from: string; to: string | null }> = [];
    let previous = -2;
    for (const partition of [...this.owned].sort((a, b) => a - b)) {
      const to = bounds[partition] ?? null;
      if (partition === previous + 1) ranges[ranges.length - 1].to = to;
      else ranges.push({ from: bounds[partition - 1] ?? '', to });
      previous = partition;
    }
    return ranges;
  }

  /** The partition whose stream range holds `streamId`: how many bounds are at or before it. */
  private streamPartition(streamId: string): number {
    const bounds = this.options.streamBounds;
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (bounds[middle] <= streamId) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * The events this fold applies, as a store can select them inside its query: the streams of its ranges
   * for documentPerStream models (read whole), the in-memory models' events (all of them), and for the other
   * models their events with `wants` deciding which are this fold's. A superset: `wants` and the routing of
   * `apply` decide each event exactly.
   */
  clauses(): EnvelopeClause[] {
    const clauses: EnvelopeClause[] = [];
    for (const model of this.projection.readModels) {
      const own = { from: model.streamPrefix, to: prefixEnd(model.streamPrefix) };
      const also = model.alsoApplies;
      if (model.documentPerStream && !model.keepInMemory) {
        for (const range of this.ownedRanges()) {
          const streams = intersection(own, range);
          if (streams) clauses.push({ fromStream: streams.from, toStream: streams.to });
        }
        continue;
      }
      const ask = !model.keepInMemory;
      clauses.push({ fromStream: own.from, toStream: own.to, ask });
      if (also)
        clauses.push({
          fromStream: also.streamPrefix,
          toStream: prefixEnd(also.streamPrefix),
          types: also.eventTypes,
          ask,
        });
    }
    return clauses;
  }

  /**
   * The entry under `key` in the map of read model `modelIndex`; a new one for the document of `event` (the
   * model's documentId), or whose id is the key itself when there is no event. Not a function giving the id:
   * with the arrays it grew, a closure per routed event made routing 8% of what a thread allocated
   * (docs/performance.md, twelfth session).
   */
  private entryOf(modelIndex: number, key: string, event: EventEnvelope | null): Entry {
    const entries = this.entries[modelIndex];
    let entry = entries.get(key);
    if (!entry) {
      const model = this.projection.readModels[modelIndex];
      entry = {
        inMemory: false,
        model,
        id: event === null ? key : model.documentId(event),
        key,
        doc: null,
        held: false,
        changed: false,
        row: undefined,
      };
      entries.set(key, entry);
    }
    return entry;
  }

  /** The documents of this partition an event changes (the in-memory models' always), or null if none. */
  private targetsOf(event: EventEnvelope): Target[] | null {
    let targets: Target[] | null = null;
    const models = this.projection.readModels;
    for (let index = 0; index < models.length; index++) {
      const model = models[index];
      if (!routes(model, event)) continue;
      let target: Target;
      if (model.documentPerStream && !model.keepInMemory) {
        if (!this.owned.has(this.streamPartition(event.streamId))) continue;
        target = this.entryOf(index, event.streamId, event);
      } else {
        const id = model.documentId(event);
        if (model.keepInMemory) target = { inMemory: true, model, id };
        else if (this.owned.has(partitionOf(id, this.options.partitions)))
          target = this.entryOf(index, id, null);
        else continue;
      }
      // Most events have one target: an array of one, not an empty one grown by a push (room for seventeen).
      if (targets === null) targets = [target];
      else targets.push(target);
    }
    return targets;
  }

  /**
   * Targets worked out while the batch was read (`wants`), in the order asked, so that routing runs once
   * per event: the events the read returns are those it kept, in that order (each checked by its id).
   */
  private routed: Array<{ readonly eventId: string; readonly targets: Target[] }> = [];

  /** Whether this partition applies the event: decided from its envelope, before its data is parsed. */
  wants(event: EventEnvelope): boolean {
    const targets = this.targetsOf(event);
    if (targets) this.routed.push({ eventId: event.id, targets });
    return targets !== null;
  }

  /** Per event of the batch in hand: the documents of this partition it changes. */
  private plan: { readonly batch: readonly StoredEvent[]; readonly targets: Target[][] } | null = null;

  private planOf(batch: readonly StoredEvent[]): Target[][] {
    const routed = this.routed;
    this.routed = [];
    let next = 0;
    return batch.map((event) => {
      if (next < routed.length && routed[next].eventId === event.id) return routed[next++].targets;
      // An event the reader returned without asking about it (or after asking about others): routed here.
      return this.targetsOf(event) ?? [];
    });
  }

  /** Documents this batch changes that were written out earlier: load them (`load`) before `apply`. */
  missing(batch: readonly StoredEvent[]): WrittenKey[] {
    const targets = this.planOf(batch);
    this.plan = { batch, targets };
    this.loading.clear();
    for (const eventTargets of targets) {
      for (const target of eventTargets) {
        if (target.inMemory || target.held || target.row === undefined) continue;
        this.loading.set(target.row, target);
      }
    }
    return [...this.loading.values()].map(({ model, id, row }) => ({
      collection: model.collection,
      id,
      row: row as number,
    }));
  }

  /** The documents `missing` asked for, by the row number each was written with (unique in a rebuild). */
  private readonly loading = new Map<number, Entry>();

  /** A document `missing` asked for, as stored (or null if it was deleted). */
  load(key: WrittenKey, doc: ProjectedDocument | null): void {
    const entry = this.loading.get(key.row);
    if (!entry || entry.model.collection !== key.collection || entry.id !== key.id)
      throw new RangeError(`${key.collection}/${key.id} (row ${key.row}) was not asked for`);
    this.loading.delete(key.row);
    this.hold(entry, doc);
  }

  private hold(entry: Entry, doc: ProjectedDocument | null): void {
    entry.doc = doc;
    entry.held = true;
    entry.changed = false;
    this.held.add(entry);
  }

  apply(batch: readonly StoredEvent[]): void {
    const planned = this.plan?.batch === batch ? this.plan.targets : this.planOf(batch);
    this.plan = null;
    for (let index = 0; index < batch.length; index++) {
      const event = batch[index];
      for (const target of planned[index]) {
        const { model } = target;
        if (target.inMemory) {
          const docs = this.memory.get(model.collection) as Map<string, ProjectedDocument>;
          const next = evolveOrFail(model, docs.get(target.id) ?? null, event, this.context);
          if (next) docs.set(target.id, next);
          else docs.delete(target.id);
          continue;
        }
        if (target.held) target.changed = true;
        else {
          if (target.row !== undefined)
            throw new Error(
              `document ${target.model.collection}/${target.id} was not loaded back before ${event.type}`,
            );
          this.hold(target, null);
        }
        target.doc = evolveOrFail(model, target.doc, event, this.context);
      }
      this.position = event.globalPosition;
    }
  }

  /** The writes of a held document, which is let go. */
  private writesOf(entry: Entry): DocumentWrite[] {
    const { doc } = entry;
    entry.held = false;
    entry.doc = null;
    const firstWrite = entry.row === undefined;
    // A document that never existed in the store and does not exist now needs no write (nor memory).
    if (doc === null && firstWrite) {
      this.entries[this.projection.readModels.indexOf(entry.model)].delete(entry.key);
      return [];
    }
    const row = entry.row ?? this.rows.next();
    entry.row = row;
    return withRow(
      writesOrFail(entry.model, entry.id, doc, this.context, !firstWrite, this.position).writes,
      row,
    );
  }

  /**
   * The writes of documents beyond the capacity, which are let go: the oldest in the map that did not
   * change since the scan last passed them; one that did is passed over to the end, once (a "clock", which
   * approximates least recently changed without moving a document in the map at every event).
   */
  evictions(): DocumentWrite[] {
    const writes: DocumentWrite[] = [];
    for (const entry of this.held) {
      if (this.held.size <= this.options.capacity) break;
      this.held.delete(entry);
      if (entry.changed) {
        entry.changed = false;
        this.held.add(entry);
      } else writes.push(...this.writesOf(entry));
    }
    return writes;
  }

  /** The writes of every document still held; the owner of partition 0 also writes the in-memory models'. */
  drain(): DocumentWrite[] {
    const writes: DocumentWrite[] = [];
    for (const entry of this.held) writes.push(...this.writesOf(entry));
    this.held.clear();
    if (this.owned.has(0)) {
      // Every fold folds the in-memory models; the one that owns partition 0 writes them.
      for (const model of this.projection.readModels) {
        for (const [id, doc] of this.memory.get(model.collection) ?? []) {
          writes.push(
            ...withRow(
              writesOrFail(model, id, doc, this.context, false, this.position).writes,
              this.rows.next(),
            ),
          );
        }
      }
    }
    return writes;
  }
}

/** A document's writes with its row number (its derived documents share it). */
function withRow(writes: readonly DocumentWrite[], row: number): DocumentWrite[] {
  return writes.map(({ collection, id, doc }) => ({ collection, id, doc, row }));
}

/** The events a partition applies: `clauses` select a superset by envelope; `wants` decides exactly. */
export interface WantedEvents {
  readonly clauses: readonly EnvelopeClause[];
  wants(event: EventEnvelope): boolean;
}

/** How a partition reads its events and exchanges documents with the store being rebuilt. */
export interface PartitionIo {
  /**
   * The next events after `after` (up to the rebuild's head), in global order: at least those the partition
   * wants, which a store may select with `wanted.clauses` (asking `wanted.wants` about the rows of clauses
   * that `ask`). Other events may be returned too, and asking about an event only saves routing it again.
   */
  read(after: bigint, wanted: WantedEvents): Promise<readonly StoredEvent[]>;
  /** Documents written out earlier (absent ones as null). */
  load(keys: readonly WrittenKey[]): Promise<ReadonlyArray<WrittenKey & { readonly doc: object | null }>>;
  write(writes: readonly DocumentWrite[]): Promise<void>;
  progress?(position: bigint): void;
}

/** Folds one partition of a rebuild from the first event to the head, writing its documents through `io`. */
export async function rebuildPartition(
  projection: Projection,
  options: PartitionedFoldOptions,
  io: PartitionIo,
): Promise<void> {
  const fold = new PartitionedFold(projection, options);
  const wanted: WantedEvents = { clauses: fold.clauses(), wants: (event) => fold.wants(event) };
  let after = 0n;
  for (;;) {
    const batch = await io.read(after, wanted);
    if (batch.length === 0) break;
    const missing = fold.missing(batch);
    if (missing.length > 0) {
      for (const { doc, ...key } of await io.load(missing)) fold.load(key, doc as ProjectedDocument | null);
    }
    fold.apply(batch);
    const evicted = fold.evictions();
    if (evicted.length > 0) await io.write(evicted);
    after = batch[batch.length - 1].globalPosition;
    io.progress?.(after);
  }
  await io.write(fold.drain());
}
