import { AgreementState, initialAgreementState } from '@app/domain';
import { StoredEvent } from '@app/event-store';
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

interface Target {
  readonly model: ReadModel;
  readonly id: string;
  readonly key: string;
}

/** A document written out earlier, to be loaded back: by id, or by the row number it was written with. */
export interface WrittenKey {
  readonly collection: string;
  readonly id: string;
  readonly row: number;
}

interface Held {
  readonly model: ReadModel;
  readonly id: string;
  doc: ProjectedDocument | null;
}

export interface PartitionedFoldOptions {
  /** Into how many partitions the documents are divided. */
  readonly partitions: number;
  /** The partitions this fold owns (one thread may fold a larger share than another). */
  readonly owned: readonly number[];
  /** How many documents to hold before writing the least recently changed ones out. */
  readonly capacity: number;
}

/**
 * The fold of a rebuild, for one partition of a projection's documents: every document is the fold of the
 * events routed to it, in global order, so disjoint partitions can be folded side by side and give exactly
 * the documents one runner would. The only lookup across documents is the agreement a ticket is measured
 * by: the in-memory models are folded by every partition from all their events, in the same global order.
 *
 * Documents are held until evicted (least recently changed first) or drained at the end, so that a
 * rebuild materializes and writes most documents once instead of once per batch. A document written out
 * and changed again later is loaded back first (`missing`), so nothing depends on the capacity but speed.
 *
 * Every written document gets a row number (`DocumentWrite.row`), unique across all partitions: the
 * partition's own sequence times the number of partitions, plus the partition. Its derived documents
 * share it (each derived document belongs to one document). The store being loaded can then write and
 * read documents back by row, without keeping an index on ids up to date during the load.
 */
export class PartitionedFold {
  private readonly held = new Map<string, Held>();
  /** Documents written out, with their row numbers, so that a later event for them loads them back. */
  private readonly written = new Map<string, number>();
  /** Per partition: row numbers handed out so far. */
  private readonly rowsUsed: number[];
  private readonly memory = new Map<string, Map<string, ProjectedDocument>>();
  private readonly context: ProjectionContext;
  private position = 0n;
  private readonly owned: ReadonlySet<number>;

  constructor(
    private readonly projection: Projection,
    private readonly options: PartitionedFoldOptions,
  ) {
    this.owned = new Set(options.owned);
    this.rowsUsed = new Array<number>(Math.max(1, options.partitions)).fill(0);
    for (const model of projection.readModels)
      if (model.keepInMemory) this.memory.set(model.collection, new Map());
    const agreements = this.memory.get('agreements');
    this.context = {
      agreement: (agreementId) =>
        (agreements?.get(agreementId) as AgreementState | undefined) ?? initialAgreementState,
    };
  }

  private owns(id: string): boolean {
    return this.owned.has(partitionOf(id, this.options.partitions));
  }

  /** The documents of this partition an event changes (the in-memory models' always), or null if none. */
  private targetsOf(event: EventEnvelope): Target[] | null {
    let targets: Target[] | null = null;
    for (const model of this.projection.readModels) {
      if (!routes(model, event)) continue;
      const id = model.documentId(event);
      if (!model.keepInMemory && !this.owns(id)) continue;
      (targets ??= []).push({ model, id, key: `${model.collection}\u0000${id}` });
    }
    return targets;
  }

  /** Targets worked out while the batch was read (`wants`), by event id, so that routing runs once per event. */
  private readonly routed = new Map<string, Target[]>();

  /** Whether this partition applies the event: decided from its envelope, before its data is parsed. */
  wants(event: EventEnvelope): boolean {
    const targets = this.targetsOf(event);
    if (targets) this.routed.set(event.id, targets);
    return targets !== null;
  }

  /** Per event of the batch in hand: the documents of this partition it changes. */
  private plan: { readonly batch: readonly StoredEvent[]; readonly targets: Target[][] } | null = null;

  private planOf(batch: readonly StoredEvent[]): Target[][] {
    const targets = batch.map((event) => this.routed.get(event.id) ?? this.targetsOf(event) ?? []);
    this.routed.clear();
    return targets;
  }

  /** Documents this batch changes that were written out earlier: load them (`load`) before `apply`. */
  missing(batch: readonly StoredEvent[]): WrittenKey[] {
    const targets = this.planOf(batch);
    this.plan = { batch, targets };
    if (this.written.size === 0) return [];
    const missing = new Map<string, WrittenKey>();
    for (const eventTargets of targets) {
      for (const { model, id, key } of eventTargets) {
        if (model.keepInMemory || this.held.has(key)) continue;
        const row = this.written.get(key);
        if (row !== undefined) missing.set(key, { collection: model.collection, id, row });
      }
    }
    return [...missing.values()];
  }

  /** The row number of a document: the one it was first written with, or the partition's next. */
  private rowOf(key: string, partition: number): number {
    const written = this.written.get(key);
    if (written !== undefined) return written;
    const partitions = this.rowsUsed.length;
    this.rowsUsed[partition] += 1;
    return this.rowsUsed[partition] * partitions + partition;
  }

  /** A document written out earlier, as stored (or null if it was deleted). */
  load(collection: string, id: string, doc: ProjectedDocument | null): void {
    const model = this.projection.readModels.find((candidate) => candidate.collection === collection);
    if (!model) throw new RangeError(`no read model writes ${collection}`);
    this.held.set(`${collection}\u0000${id}`, { model, id, doc });
  }

  apply(batch: readonly StoredEvent[]): void {
    const planned = this.plan?.batch === batch ? this.plan.targets : this.planOf(batch);
    this.plan = null;
    batch.forEach((event, index) => {
      for (const { model, id, key } of planned[index]) {
        if (model.keepInMemory) {
          const docs = this.memory.get(model.collection) as Map<string, ProjectedDocument>;
          const next = evolveOrFail(model, docs.get(id) ?? null, event, this.context);
          if (next) docs.set(id, next);
          else docs.delete(id);
          continue;
        }
        let held = this.held.get(key);
        if (held) this.held.delete(key);
        else {
          if (this.written.has(key))
            throw new Error(`document ${key} was not loaded back before ${event.type}`);
          held = { model, id, doc: null };
        }
        held.doc = evolveOrFail(model, held.doc, event, this.context);
        // Re-inserted: the map's order is the order of last change.
        this.held.set(key, held);
      }
      this.position = event.globalPosition;
    });
  }

  private writesOf(held: Held, key: string): DocumentWrite[] {
    const firstWrite = !this.written.has(key);
    // A document that never existed in the store and does not exist now needs no write.
    if (held.doc === null && firstWrite) return [];
    const row = this.rowOf(key, partitionOf(held.id, this.rowsUsed.length));
    this.written.set(key, row);
    return this.withRow(
      writesOrFail(held.model, held.id, held.doc, this.context, this.position).writes,
      row,
      firstWrite,
    );
  }

  /**
   * A document's writes with its row number. The first time, without the derived documents it has none of
   * (a ticket not yet resolved has no report facts to delete): in a rebuild that is most of them.
   */
  private withRow(writes: readonly DocumentWrite[], row: number, firstWrite: boolean): DocumentWrite[] {
    const numbered: DocumentWrite[] = [];
    for (const write of writes) if (!firstWrite || write.doc !== null) numbered.push({ ...write, row });
    return numbered;
  }

  /** The writes of the least recently changed documents beyond the capacity, which are let go. */
  evictions(): DocumentWrite[] {
    const writes: DocumentWrite[] = [];
    for (const [key, held] of this.held) {
      if (this.held.size <= this.options.capacity) break;
      this.held.delete(key);
      writes.push(...this.writesOf(held, key));
    }
    return writes;
  }

  /** The writes of every document still held; the owner of partition 0 also writes the in-memory models'. */
  drain(): DocumentWrite[] {
    const writes: DocumentWrite[] = [];
    for (const [key, held] of this.held) writes.push(...this.writesOf(held, key));
    this.held.clear();
    if (this.owned.has(0)) {
      // Numbered from partition 0's sequence, which only this fold draws from.
      for (const model of this.projection.readModels) {
        for (const [id, doc] of this.memory.get(model.collection) ?? []) {
          const row = this.rowOf(`${model.collection}\u0000${id}`, 0);
          writes.push(
            ...this.withRow(writesOrFail(model, id, doc, this.context, this.position).writes, row, true),
          );
        }
      }
    }
    return writes;
  }
}

/** How a partition reads its events and exchanges documents with the store being rebuilt. */
export interface PartitionIo {
  /** The next events after `after` (up to the rebuild's head) that the partition wants, in global order. */
  read(after: bigint, wants: (event: EventEnvelope) => boolean): Promise<readonly StoredEvent[]>;
  /** Documents written out earlier (absent ones as null). */
  load(
    keys: readonly WrittenKey[],
  ): Promise<
    ReadonlyArray<{ readonly collection: string; readonly id: string; readonly doc: object | null }>
  >;
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
  const wants = (event: EventEnvelope) => fold.wants(event);
  let after = 0n;
  for (;;) {
    const batch = await io.read(after, wants);
    if (batch.length === 0) break;
    const missing = fold.missing(batch);
    if (missing.length > 0) {
      for (const { collection, id, doc } of await io.load(missing))
        fold.load(collection, id, doc as ProjectedDocument | null);
    }
    fold.apply(batch);
    const evicted = fold.evictions();
    if (evicted.length > 0) await io.write(evicted);
    after = batch[batch.length - 1].globalPosition;
    io.progress?.(after);
  }
  await io.write(fold.drain());
}
