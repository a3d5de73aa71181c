import { hash } from 'node:crypto';
import { EventStore, StoredEvent } from './event-store.port';

/** The parts of an event its hash covers. */
export interface HashedParts {
  readonly streamId: string;
  readonly streamRevision: number;
  readonly type: string;
  readonly schemaVersion: number;
  /** data and metadata as their JSON text. */
  readonly dataJson: string;
  readonly metadataJson: string;
}

/**
 * Tamper evidence: each event's hash covers its type, data, metadata, stream and revision, and the hash of
 * the previous event of its stream. Changing, removing or reordering an event breaks the chain from there on.
 */
export function eventHash(previousHash: string | null, parts: HashedParts): string {
  // One-shot `hash` (Node 20.12+): the same digest as createHash().update().digest(), without a Hash
  // object per event (0.67 against 1.0-1.2 us for an event's text, ~5% of a batched append).
  return hash(
    'sha256',
    [
      previousHash ?? '',
      parts.streamId,
      String(parts.streamRevision),
      parts.type,
      String(parts.schemaVersion),
      parts.dataJson,
      parts.metadataJson,
    ].join('\u0000'),
    'hex',
  );
}

export interface BrokenLink {
  readonly streamId: string;
  readonly streamRevision: number;
  readonly globalPosition: bigint;
  readonly reason: string;
}

export interface ChainVerification {
  readonly events: number;
  readonly streams: number;
  /** The first broken link in global order; null when every chain holds. */
  readonly broken: BrokenLink | null;
}

/** Walks every stream's chain in global order and reports the first broken link. */
export async function verifyEventChains(
  store: EventStore,
  onProgress?: (position: bigint, head: bigint) => void,
): Promise<ChainVerification> {
  const head = await store.headPosition();
  const last = new Map<string, { revision: number; hash: string | null }>();
  let events = 0;
  for (let after = 0n; after < head;) {
    const page = await store.readAll({ after });
    if (page.length === 0) break;
    for (const event of page) {
      events++;
      const broken = checkLink(event, last.get(event.streamId));
      if (broken) return { events, streams: last.size, broken };
      last.set(event.streamId, { revision: event.streamRevision, hash: event.hash });
    }
    after = page[page.length - 1].globalPosition;
    onProgress?.(after, head);
  }
  return { events, streams: last.size, broken: null };
}

function checkLink(
  event: StoredEvent,
  previous: { revision: number; hash: string | null } | undefined,
): BrokenLink | null {
  const at = {
    streamId: event.streamId,
    streamRevision: event.streamRevision,
    globalPosition: event.globalPosition,
  };
  const expectedRevision = previous ? previous.revision + 1 : 0;
  if (event.streamRevision !== expectedRevision) {
    return {
      ...at,
      reason: `revision ${event.streamRevision} follows ${expectedRevision - 1}: events are missing or reordered`,
    };
  }
  if (event.hash === null) return { ...at, reason: 'the event has no hash (written before tamper evidence)' };
  const expected = eventHash(previous?.hash ?? null, {
    streamId: event.streamId,
    streamRevision: event.streamRevision,
    type: event.type,
    schemaVersion: event.schemaVersion,
    dataJson: JSON.stringify(event.data),
    metadataJson: JSON.stringify(event.metadata),
  });
  return expected === event.hash
    ? null
    : { ...at, reason: 'the stored hash does not match the event: it was altered' };
}
