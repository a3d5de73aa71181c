import { ProjectionProgress } from '@app/projections';
import { BadRequestException, Inject, Injectable } from '@nestjs/common';

/** The running projection (in this process) or the follower of the projector app's checkpoints. */
export const PROJECTION_PROGRESS = Symbol('PROJECTION_PROGRESS');

/** The read models have not applied the position the client asked for (yet): 503 with Retry-After. */
export class ProjectionBehindError extends Error {
  constructor(
    readonly wantedPosition: bigint,
    readonly position: bigint,
    readonly projectionStatus: string,
  ) {
    super(`the read models are at position ${position}, not yet at ${wantedPosition} (${projectionStatus})`);
    this.name = 'ProjectionBehindError';
  }
}

const MAX_WAIT_MS = 5000;

/** Read-your-writes: a query may pass the global position a command returned and is answered after it. */
@Injectable()
export class ReadYourWrites {
  constructor(@Inject(PROJECTION_PROGRESS) private readonly runner: ProjectionProgress) {}

  async waitFor(after: string | undefined): Promise<void> {
    if (after === undefined) return;
    if (!/^\d{1,19}$/.test(after)) {
      throw new BadRequestException({
        code: 'validation_failed',
        message: 'after must be a global position (digits)',
        fields: [{ field: 'after', problems: ['must be a global position (digits)'] }],
      });
    }
    const position = BigInt(after);
    if (!(await this.runner.waitFor(position, MAX_WAIT_MS))) {
      const state = this.runner.state;
      throw new ProjectionBehindError(position, state.position, state.status);
    }
  }
}
