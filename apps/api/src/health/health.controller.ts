import { EVENT_STORE, EventStore } from '@app/event-store';
import { ProjectionProgress, projectionHealth } from '@app/projections';
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
  health() {
    return projectionHealth(this.runner, this.store);
  }
}
