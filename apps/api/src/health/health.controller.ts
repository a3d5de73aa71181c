import { EVENT_STORE, EventStore } from '@app/event-store';
import { ProjectionProgress } from '@app/projections';
import { Controller, Get, Inject } from '@nestjs/common';
import { PROJECTION_PROGRESS } from '../projection/read-your-writes';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_PROGRESS) private readonly runner: ProjectionProgress,
  ) {}

  @Public()
  @Get()
  @ApiOperation({
    summary:
      "Liveness, the event store's head, and each projection's status, position, whether it has caught up, and its lag (positions behind)",
  })
  async health() {
    const head = await this.store.headPosition();
    const projection = this.runner.state;
    return {
      status: projection.status === 'stopped' ? 'degraded' : 'ok',
      eventStore: { headPosition: head.toString() },
      projections: [
        {
          name: projection.projection,
          status: projection.status,
          position: projection.position.toString(),
          caughtUp: projection.position >= head,
          // Positions count events in the embedded store and log bytes in EventStoreDB.
          lag: (head > projection.position ? head - projection.position : 0n).toString(),
          error: projection.error,
        },
      ],
    };
  }
}
