/**
 * Refusals that are not domain rules: the API maps each to its HTTP status
 * (NotFound 404, Forbidden 403, Conflict 409, IdempotencyKeyReused 422).
 */
export class NotFoundError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'NotFoundError';
  }
}

export class ForbiddenError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ForbiddenError';
  }
}

/** The client's expected revision (If-Match) is not the stream's current one. */
export class StaleRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedRevision: number,
    readonly currentRevision: number | null,
  ) {
    super(`expected revision ${expectedRevision}, but the current revision is ${currentRevision ?? 'none'}`);
    this.name = 'StaleRevisionError';
  }
}

export class IdempotencyKeyReusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** A stored event the code cannot read (unknown type or schema version): never skipped silently. */
export class UnreadableEventError extends Error {
  constructor(
    readonly streamId: string,
    readonly streamRevision: number,
    readonly reason: string,
  ) {
    super(`event ${streamId}@${streamRevision}: ${reason}`);
    this.name = 'UnreadableEventError';
  }
}
