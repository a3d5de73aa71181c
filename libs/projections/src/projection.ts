import { AgreementState } from '@app/domain';
import { StoredEvent } from '@app/event-store';
import { DocumentWrite, IndexSpec } from '@app/read-store';

/** What a read model may look up besides its own document. */
export interface ProjectionContext {
  /** The agreement as projected up to the event being applied. */
  agreement(agreementId: string): AgreementState;
}

/**
 * What routing an event reads: never its data, so that a partitioned rebuild can route events before it
 * parses them (and the types hold routing to that).
 */
export type EventEnvelope = Pick<StoredEvent, 'id' | 'streamId' | 'type'>;

export interface ProjectedDocument {
  readonly id: string;
}

/**
 * One read model: a pure function from (document or nothing, event) to the new document or nothing,
 * for the events of the streams it owns.
 */
export interface ReadModel<Doc extends ProjectedDocument = ProjectedDocument> {
  readonly collection: string;
  /** Streams whose every event this model applies (an event type it does not know stops the projection). */
  readonly streamPrefix: string;
  /**
   * Events of these types from the streams of another prefix, which it applies too. Routing is data, not a
   * function, so that a store can select a model's events inside its query (a partitioned rebuild does).
   */
  readonly alsoApplies?: { readonly streamPrefix: string; readonly eventTypes: readonly string[] };
  /**
   * Each document is the fold of one stream's events (its id derives from the stream id alone) and applies
   * no event of `alsoApplies`: a partitioned rebuild then divides these documents by ranges of stream ids
   * and reads only its streams.
   */
  readonly documentPerStream?: boolean;
  /** The event types it reads, for the catalogue and the docs. */
  readonly eventTypes: readonly string[];
  readonly indexes: readonly IndexSpec[];
  /** Small models the context reads are kept in memory by the runner. */
  readonly keepInMemory?: boolean;
  documentId(event: EventEnvelope): string;
  evolve(doc: Doc | null, event: StoredEvent, context: ProjectionContext): Doc | null;
  /**
   * Derives the fields that only depend on the folded state, once per written document rather than once
   * per event (optional). `materialize(evolve(...))` is what is stored.
   */
  materialize?(doc: Doc, context: ProjectionContext): Doc;
  /**
   * Collections derived from each written document, written in the same transaction. A derived document
   * has the id of the one it is derived from, at most one per collection: null deletes it, and deleting a
   * document deletes its derived documents.
   */
  readonly derived?: {
    readonly collections: readonly DerivedCollection[];
    /** The derived documents of `doc`, one per derived collection (null: none in that collection). */
    documentsOf(doc: Doc): Readonly<Record<string, object | null>>;
  };
}

/** A compact collection a read model keeps beside its own, for queries that need only a few fields. */
export interface DerivedCollection {
  readonly collection: string;
  readonly indexes: readonly IndexSpec[];
}

export interface Projection {
  /** Name of the checkpoint; bump the version suffix when the documents' shape changes (then rebuild). */
  readonly name: string;
  readonly readModels: readonly ReadModel[];
}

/** Whether a read model applies an event: one of its streams, or one of the other events it applies. */
export function routes(model: ReadModel, event: EventEnvelope): boolean {
  if (event.streamId.startsWith(model.streamPrefix)) return true;
  const also = model.alsoApplies;
  return (
    also !== undefined && event.streamId.startsWith(also.streamPrefix) && also.eventTypes.includes(event.type)
  );
}

/** Every collection a projection writes, its read models' and their derived ones, with their indexes. */
export function collectionsOf(projection: Projection): DerivedCollection[] {
  return projection.readModels.flatMap((model) => [
    { collection: model.collection, indexes: model.indexes },
    ...(model.derived?.collections ?? []),
  ]);
}

export class ProjectionError extends Error {
  constructor(
    readonly event: Pick<StoredEvent, 'streamId' | 'streamRevision' | 'globalPosition' | 'type'>,
    readonly reason: string,
  ) {
    super(
      `cannot apply ${event.type} (${event.streamId}@${event.streamRevision}, position ${event.globalPosition}): ${reason}`,
    );
    this.name = 'ProjectionError';
  }
}

/** Applies one event to a document; an event it cannot apply becomes a ProjectionError naming it. */
export function evolveOrFail(
  model: ReadModel,
  doc: ProjectedDocument | null,
  event: StoredEvent,
  context: ProjectionContext,
): ProjectedDocument | null {
  try {
    return model.evolve(doc, event, context);
  } catch (error) {
    throw new ProjectionError(event, error instanceof Error ? error.message : String(error));
  }
}

/**
 * What storing a folded document writes: the document as materialized, and one write per derived
 * collection (its derived document, or a deletion, also of every derived document of a deleted one).
 * `stored`: whether a version of the document is stored already; if not, there is nothing to delete, and
 * only the documents that exist are written (a ticket not yet resolved has no report facts to delete).
 */
export function writesFor(
  model: ReadModel,
  id: string,
  folded: ProjectedDocument | null,
  context: ProjectionContext,
  stored: boolean,
): { doc: ProjectedDocument | null; writes: DocumentWrite[] } {
  const doc = folded !== null && model.materialize ? model.materialize(folded, context) : folded;
  const writes: DocumentWrite[] = [];
  if (stored || doc !== null) writes.push({ collection: model.collection, id, doc });
  if (model.derived) {
    const derived = doc === null ? {} : model.derived.documentsOf(doc);
    for (const { collection } of model.derived.collections) {
      const derivedDoc = derived[collection] ?? null;
      if (stored || derivedDoc !== null) writes.push({ collection, id, doc: derivedDoc });
    }
  }
  return { doc, writes };
}

/** `writesFor`, with a failure to materialize named as the projection's error at `position`. */
export function writesOrFail(
  model: ReadModel,
  id: string,
  folded: ProjectedDocument | null,
  context: ProjectionContext,
  stored: boolean,
  position: bigint,
): { doc: ProjectedDocument | null; writes: DocumentWrite[] } {
  try {
    return writesFor(model, id, folded, context, stored);
  } catch (error) {
    throw new ProjectionError(
      {
        streamId: `${model.streamPrefix}${id}`,
        streamRevision: -1,
        globalPosition: position,
        type: 'materialize',
      },
      error instanceof Error ? error.message : String(error),
    );
  }
}
