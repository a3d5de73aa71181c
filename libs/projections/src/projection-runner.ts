import { AgreementState, initialAgreementState } from '@app/domain';
import { EventStore, EventSubscription, StoredEvent } from '@app/event-store';
import { DocumentWrite, ReadStore } from '@app/read-store';
import {
  ProjectedDocument,
  Projection,
  ProjectionContext,
  ReadModel,
  collectionsOf,
  evolveOrFail,
  routes,
  writesOrFail,
} from './projection';

export type RunnerStatus = 'starting' | 'catching_up' | 'live' | 'stopped' | 'closed';

export interface RunnerState {
  readonly projection: string;
  readonly status: RunnerStatus;
  /** Global position of the last event applied and committed. */
  readonly position: bigint;
  readonly error: string | null;
}

export interface RunnerLogger {
  log(message: string): void;
  error(message: string): void;
}

const silent: RunnerLogger = { log: () => undefined, error: () => undefined };

interface Waiter {
  readonly position: bigint;
  readonly resolve: (reached: boolean) => void;
}

/** Whether a projection in this status will apply nothing more (stopped on an event, or closed). */
export const finished = (status: RunnerStatus) => status === 'stopped' || status === 'closed';

/**
 * Callers waiting until a projection has applied a position (read-your-writes), settled as its state
 * moves on: wherever the projection runs, in this thread or reported from another.
 */
export class PositionWaiters {
  private waiters: Waiter[] = [];

  /** Resolves true once the projection has applied `position`, false on timeout or when it stopped. */
  wait(state: RunnerState, position: bigint, timeoutMs: number): Promise<boolean> {
    if (state.position >= position) return Promise.resolve(true);
    if (finished(state.status)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        resolve(false);
      }, timeoutMs);
      const entry: Waiter = {
        position,
        resolve: (reached) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      this.waiters.push(entry);
    });
  }

  /** Settles the waits the new state answers: reached, or never to be (the projection stopped). */
  settle(state: RunnerState): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (state.position >= waiter.position) waiter.resolve(true);
      else if (finished(state.status)) waiter.resolve(false);
      else return true;
      return false;
    });
  }
}

/**
 * Feeds a projection from the event store: reads in global order from its checkpoint, applies batches,
 * and commits the documents with the new checkpoint in one transaction, so that a crash anywhere never
 * skips or applies an event twice. An event it cannot apply stops it with the reason recorded.
 */
export class ProjectionRunner {
  private status: RunnerStatus = 'starting';
  private position = 0n;
  private error: string | null = null;
  private subscription: EventSubscription | null = null;
  private loop: Promise<void> | null = null;
  private readonly waiters = new PositionWaiters();
  /** Documents of the models kept in memory (the agreements every ticket is measured by). */
  private readonly memory = new Map<string, Map<string, ProjectedDocument>>();
  /**
   * Recently committed documents, so that the next batches need not read and parse them again. Safe because
   * this runner is the only writer of its projection's documents; filled only after a commit.
   */
  private readonly recent = new Map<string, ProjectedDocument | null>();
  /** The read models' own collections (not their derived ones): what `recent` keeps. */
  private readonly foldedCollections: ReadonlySet<string>;

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    private readonly projection: Projection,
    private readonly options: {
      readonly batchSize?: number;
      readonly logger?: RunnerLogger;
      /** How many recently written documents to keep in memory (a rebuild keeps more). */
      readonly recentDocuments?: number;
      /** Told the state after every committed batch and when the runner stops (a projection thread reports it). */
      readonly onState?: (state: RunnerState) => void;
    } = {},
  ) {
    this.foldedCollections = new Set(projection.readModels.map((model) => model.collection));
  }

  get state(): RunnerState {
    return {
      projection: this.projection.name,
      status: this.status,
      position: this.position,
      error: this.error,
    };
  }

  private get logger(): RunnerLogger {
    return this.options.logger ?? silent;
  }

  /** Loads the checkpoint and the in-memory models, and prepares the indexes (or only their fields). */
  private async prepare(indexes: 'now' | 'later' = 'now'): Promise<void> {
    const checkpoint = await this.readStore.checkpoint(this.projection.name);
    const collections = collectionsOf(this.projection);
    // Documents and checkpoints are committed together, so documents without this projection's checkpoint
    // are not its own (another version of it, whose documents have another shape): replaying from the
    // first event on top of them would fold events into them and keep those no event rewrites.
    if (checkpoint === null) {
      const counts = await Promise.all(collections.map(({ collection }) => this.readStore.count(collection)));
      if (counts.some((count) => count > 0)) {
        this.logger.log(
          `projection ${this.projection.name} has no checkpoint but its collections hold documents (another version's): emptying them and replaying every event`,
        );
        await this.readStore.reset(
          this.projection.name,
          collections.map(({ collection }) => collection),
        );
      }
    }
    for (const { collection, indexes: specs } of collections) {
      if (indexes === 'now') await this.readStore.ensureIndexes(collection, specs);
      else await this.readStore.prepareIndexes(collection, specs);
    }
    for (const model of this.projection.readModels) {
      if (model.keepInMemory) {
        const docs = await this.readStore.find<ProjectedDocument>(model.collection);
        this.memory.set(model.collection, new Map(docs.map((doc) => [doc.id, doc])));
      }
    }
    this.position = checkpoint?.position ?? 0n;
  }

  /** Catch up from the checkpoint, then follow new events until stop(). */
  async start(): Promise<void> {
    await this.prepare();
    this.status = 'catching_up';
    const head = await this.events.headPosition();
    if (head <= this.position) this.status = 'live';
    this.subscription = this.events.subscribeToAll({
      after: this.position,
      batchSize: this.options.batchSize ?? 500,
    });
    const subscription = this.subscription;
    this.loop = (async () => {
      try {
        for await (const batch of subscription) {
          await this.apply(batch);
          if (this.status === 'catching_up' && this.position >= head) this.status = 'live';
        }
      } catch (error) {
        await this.fail(error);
      }
    })();
  }

  /** Replays every event up to the head as it is now, in large batches; for rebuilds and verification. */
  async runToHead(
    onProgress?: (position: bigint, head: bigint) => void,
    { indexAtEnd = false } = {},
  ): Promise<void> {
    await this.prepare(indexAtEnd ? 'later' : 'now');
    this.status = 'catching_up';
    const head = await this.events.headPosition();
    const batchSize = this.options.batchSize ?? 5000;
    try {
      while (this.position < head) {
        const batch = await this.events.readAll({ after: this.position, maxCount: batchSize });
        if (batch.length === 0) break;
        await this.apply(batch);
        onProgress?.(this.position, head);
      }
      if (indexAtEnd) {
        for (const { collection, indexes } of collectionsOf(this.projection)) {
          await this.readStore.ensureIndexes(collection, indexes);
        }
      }
      this.status = 'live';
    } catch (error) {
      await this.fail(error);
      throw error;
    }
  }

  private async fail(error: unknown): Promise<void> {
    this.status = 'stopped';
    this.error = error instanceof Error ? error.message : String(error);
    this.logger.error(`projection ${this.projection.name} stopped: ${this.error}`);
    this.subscription?.stop();
    await this.readStore.markStopped(this.projection.name, this.error);
    this.settleWaiters();
  }

  private async apply(batch: readonly StoredEvent[]): Promise<void> {
    if (batch.length === 0) return;
    const routed = batch.map((event) => ({
      event,
      models: this.projection.readModels.filter((model) => routes(model, event)),
    }));
    const working = new Map<string, Map<string, ProjectedDocument | null>>();
    for (const model of this.projection.readModels) {
      const docs = new Map<string, ProjectedDocument | null>();
      working.set(model.collection, docs);
      if (model.keepInMemory) continue;
      const missing = new Set<string>();
      for (const { event, models } of routed) {
        if (!models.includes(model)) continue;
        const id = model.documentId(event);
        const key = `${model.collection}\u0000${id}`;
        if (this.recent.has(key)) docs.set(id, this.recent.get(key) ?? null);
        else missing.add(id);
      }
      const found = await this.readStore.getMany<ProjectedDocument>(model.collection, [...missing]);
      for (const id of missing) docs.set(id, found.get(id) ?? null);
    }
    const current = (model: ReadModel, id: string): ProjectedDocument | null => {
      const docs = working.get(model.collection) as Map<string, ProjectedDocument | null>;
      if (docs.has(id)) return docs.get(id) ?? null;
      return this.memory.get(model.collection)?.get(id) ?? null;
    };
    const agreements = this.projection.readModels.find((model) => model.collection === 'agreements');
    const context: ProjectionContext = {
      agreement: (agreementId) =>
        (agreements && (current(agreements, agreementId) as AgreementState | null)) ?? initialAgreementState,
    };
    /** Per collection, the documents this batch changes, and whether each was stored before it. */
    const changed = new Map<string, Map<string, boolean>>();
    for (const { event, models } of routed) {
      for (const model of models) {
        const id = model.documentId(event);
        if (!changed.has(model.collection)) changed.set(model.collection, new Map());
        const ids = changed.get(model.collection) as Map<string, boolean>;
        const before = current(model, id);
        if (!ids.has(id)) ids.set(id, before !== null);
        working.get(model.collection)?.set(id, evolveOrFail(model, before, event, context));
      }
    }
    const writes: DocumentWrite[] = [];
    for (const model of this.projection.readModels) {
      for (const [id, stored] of changed.get(model.collection) ?? []) {
        const docs = working.get(model.collection) as Map<string, ProjectedDocument | null>;
        const written = writesOrFail(
          model,
          id,
          docs.get(id) ?? null,
          context,
          stored,
          batch[batch.length - 1].globalPosition,
        );
        docs.set(id, written.doc);
        writes.push(...written.writes);
      }
    }
    const position = batch[batch.length - 1].globalPosition;
    await this.readStore.commit(this.projection.name, writes, position);
    for (const write of writes) {
      // Only the read models' own documents are read back; derived ones would only crowd them out.
      if (!this.foldedCollections.has(write.collection)) continue;
      const key = `${write.collection}\u0000${write.id}`;
      this.recent.delete(key);
      this.recent.set(key, write.doc as ProjectedDocument | null);
    }
    for (const key of this.recent.keys()) {
      if (this.recent.size <= (this.options.recentDocuments ?? 2000)) break;
      this.recent.delete(key);
    }
    for (const model of this.projection.readModels) {
      const memory = this.memory.get(model.collection);
      if (!memory) continue;
      for (const id of changed.get(model.collection)?.keys() ?? []) {
        const doc = working.get(model.collection)?.get(id);
        if (doc) memory.set(id, doc);
        else memory.delete(id);
      }
    }
    this.position = position;
    this.settleWaiters();
  }

  private settleWaiters(): void {
    this.options.onState?.(this.state);
    this.waiters.settle(this.state);
  }

  /** Resolves true once the projection has applied `position`, false on timeout or when it stopped. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(this.state, position, timeoutMs);
  }

  /** Finishes the batch in hand (its checkpoint is committed with it) and stops following. */
  async stop(): Promise<void> {
    this.subscription?.stop();
    await this.loop;
    if (this.status !== 'stopped') this.status = 'closed';
    this.settleWaiters();
  }
}
