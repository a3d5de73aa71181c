import { DomainError } from '@app/domain';
import { EventStore, NewEvent, StoredEvent, WrongExpectedRevisionError } from '@app/event-store';
import { createHash, randomUUID } from 'node:crypto';
import { IdempotencyKeyReusedError, StaleRevisionError } from './application-errors';
import { Clock } from './clock';

/** Who sends a command and how: the parts of a request that are not the command itself. */
export interface CommandOptions {
  readonly principal: { readonly id: string; readonly role: string };
  /** The client's view of the stream (If-Match): refused with 409 when the stream has moved on. */
  readonly expectedRevision?: number;
  /** A retried command with the same key (from the same principal) returns the first result. */
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  /** When the fact happened; defaults to the clock. Imports pass the original time. */
  readonly occurredAt?: Date;
}

export interface CommandResult {
  readonly streamId: string;
  readonly streamRevision: number;
  readonly globalPosition: bigint;
  readonly eventTypes: readonly string[];
  /** True when an idempotent retry returned the first result and appended nothing. */
  readonly replayed: boolean;
}

export interface DomainEventLike {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

export interface StreamCommand<State> {
  readonly streamId: string;
  /**
   * The stream id was just generated (a random UUID), so the stream cannot exist yet: the read is skipped
   * and the append still insists on `no_stream`.
   */
  readonly streamIsNew?: boolean;
  /** A stable description of the command, to recognise a reused idempotency key. */
  readonly fingerprintSource: unknown;
  fold(events: readonly StoredEvent[]): State;
  /** Checks permissions and business rules; throws to refuse. */
  decide(state: State, nowMs: number): Promise<readonly DomainEventLike[]>;
}

/** Retries when another writer moved the stream between our read and our append (no If-Match given). */
const MAX_ATTEMPTS = 5;

/** A UUID-shaped id derived from a string, so that the same input always gives the same id. */
export function deterministicId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The id of a new aggregate: random, or derived from (principal, Idempotency-Key) so that a retried
 * creation addresses the same stream and finds its first result there.
 */
export function newAggregateId(kind: string, options: CommandOptions): string {
  return options.idempotencyKey
    ? deterministicId(kind, options.principal.id, options.idempotencyKey)
    : randomUUID();
}

/** A stable hash of a command: tells a retry from an idempotency key reused for another command. */
export function fingerprint(source: unknown): string {
  return createHash('sha256').update(JSON.stringify(source)).digest('hex');
}

function resultOf(streamId: string, events: readonly StoredEvent[], replayed: boolean): CommandResult {
  const last = events[events.length - 1];
  return {
    streamId,
    streamRevision: last.streamRevision,
    globalPosition: last.globalPosition,
    eventTypes: events.map((event) => event.type),
    replayed,
  };
}

/** Who, when and why of a decided command: the metadata every one of its events carries. */
export interface DecidedCommand {
  readonly principal: { readonly id: string; readonly role: string };
  readonly commandId: string;
  readonly correlationId: string;
  readonly occurredAt: Date;
  readonly commandFingerprint?: string;
  /** Ids derived from the command id, so that a retried command carries the same event ids. */
  readonly deterministicIds: boolean;
}

/** The events to append for what a decider returned, with the command's metadata. */
export function newEventsOf(decided: readonly DomainEventLike[], command: DecidedCommand): NewEvent[] {
  const metadata = {
    actor: { id: command.principal.id, role: command.principal.role },
    correlationId: command.correlationId,
    causationId: command.commandId,
    commandId: command.commandId,
    occurredAt: command.occurredAt.toISOString(),
    commandFingerprint: command.commandFingerprint,
  };
  return decided.map((event, index) => ({
    // Otherwise the store assigns time-ordered ids.
    id: command.deterministicIds ? deterministicId('event', command.commandId, String(index)) : undefined,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata,
  }));
}

/** The id of a command sent with an idempotency key: the same principal and key give the same id. */
export function idempotentCommandId(principalId: string, idempotencyKey: string): string {
  return deterministicId('command', principalId, idempotencyKey);
}

/**
 * The command handler every aggregate shares: load the stream, fold it, decide, append with the revision
 * that was read. No read model is written here: projections do that from the events.
 */
export async function executeOnStream<State>(
  store: EventStore,
  clock: Clock,
  command: StreamCommand<State>,
  options: CommandOptions,
): Promise<CommandResult> {
  // Only an idempotency key needs the fingerprint: it tells a retry from a reused key.
  const commandFingerprint = options.idempotencyKey ? fingerprint(command.fingerprintSource) : undefined;
  const commandId = options.idempotencyKey
    ? idempotentCommandId(options.principal.id, options.idempotencyKey)
    : randomUUID();
  const correlationId = options.correlationId ?? commandId;

  for (let attempt = 1; ; attempt++) {
    const stored = command.streamIsNew && attempt === 1 ? [] : await store.readStream(command.streamId);
    if (options.idempotencyKey) {
      const earlier = stored.filter((event) => event.metadata.commandId === commandId);
      if (earlier.length > 0) {
        if (earlier[0].metadata.commandFingerprint !== commandFingerprint) {
          throw new IdempotencyKeyReusedError(
            `the Idempotency-Key was already used for a different command on ${command.streamId}`,
          );
        }
        return resultOf(command.streamId, earlier, true);
      }
    }
    const currentRevision = stored.length > 0 ? stored[stored.length - 1].streamRevision : null;
    if (options.expectedRevision !== undefined && options.expectedRevision !== currentRevision) {
      throw new StaleRevisionError(command.streamId, options.expectedRevision, currentRevision);
    }
    const now = options.occurredAt ?? clock.now();
    const decided = await command.decide(command.fold(stored), now.getTime());
    if (decided.length === 0) throw new DomainError('nothing_to_do', 'the command changes nothing');
    const events = newEventsOf(decided, {
      principal: options.principal,
      commandId,
      correlationId,
      occurredAt: now,
      commandFingerprint,
      deterministicIds: options.idempotencyKey !== undefined,
    });
    try {
      const appended = await store.appendToStream(command.streamId, events, {
        expectedRevision: currentRevision ?? 'no_stream',
      });
      return {
        streamId: command.streamId,
        streamRevision: appended.nextExpectedRevision,
        globalPosition: appended.lastGlobalPosition,
        eventTypes: events.map((event) => event.type),
        replayed: false,
      };
    } catch (error) {
      // Someone else appended in between: decide again on the new state (which re-checks If-Match and the key).
      if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}
