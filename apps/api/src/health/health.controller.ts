import { EVENT_STORE, EventStore } from '@app/event-store';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness, and the global position of the last stored event' })
  async health() {
    return { status: 'ok', eventStore: { headPosition: (await this.store.headPosition()).toString() } };
  }
}
