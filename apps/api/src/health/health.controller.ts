import { EVENT_STORE, EventStore } from '@app/event-store';
import { ProjectionProgress, projectionHealth } from '@app/projections';
import { Controller, Get, Inject } from '@nestjs/common';
import { PROJECTION_PROGRESS } from '../projection/read-your-writes';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';

class EventStoreHealth {
  @ApiProperty({ description: 'Position of the last event (64-bit, as a string)' })
  headPosition!: string;
}

class ProjectionHealth {
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: ['starting', 'catching_up', 'live', 'stopped', 'closed'] })
  status!: string;
  @ApiProperty({ description: 'Position of the last event applied (64-bit, as a string)' })
  position!: string;
  @ApiProperty()
  caughtUp!: boolean;
  @ApiProperty({
    description: 'Positions behind the head (events in the embedded store, log bytes in EventStoreDB)',
  })
  lag!: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'Why a stopped projection stopped' })
  error!: string | null;
}

/** GET /health. */
class HealthResponse {
  @ApiProperty({ enum: ['ok', 'degraded'], description: 'degraded when a projection has stopped' })
  status!: string;
  @ApiProperty({ type: EventStoreHealth })
  eventStore!: EventStoreHealth;
  @ApiProperty({ type: [ProjectionHealth] })
  projections!: ProjectionHealth[];
}

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
  @ApiResponse({ status: 200, type: HealthResponse })
  health(): Promise<HealthResponse> {
    return projectionHealth(this.runner, this.store);
  }
}
