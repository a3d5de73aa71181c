import { AgreementRepository, TicketCommands, systemClock } from '@app/application';
import { AutomationConfig, AutomationScheduler, createAutomationScheduler } from '@app/automation';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { ProjectionRunner, projectionHealth, serviceDeskProjection } from '@app/projections';
import { READ_STORE, ReadStore } from '@app/read-store';
import { StoresConfig, openEventStore, openReadStore } from '@app/stores';
import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Server, createServer } from 'node:http';

export interface ProjectorConfig {
  readonly stores: StoresConfig;
  /** Port of the health endpoint (GET /health); 0 picks a free one. */
  readonly healthPort: number;
  /** How often the lag is logged. */
  readonly reportEveryMs: number;
  /** The process manager and the notification outbox run beside the projections. */
  readonly automation: AutomationConfig;
}

export const PROJECTOR_CONFIG = Symbol('PROJECTOR_CONFIG');

/**
 * Runs the projections against the configured stores: catch up from the checkpoint, then follow live.
 * SIGTERM stops following, lets the batch in hand commit with its checkpoint, then closes the stores.
 */
@Injectable()
export class ProjectorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');
  private server: Server | null = null;
  private reporter: NodeJS.Timeout | null = null;

  constructor(
    @Inject(PROJECTOR_CONFIG) private readonly config: ProjectorConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly runner: ProjectionRunner,
    private readonly automation: AutomationScheduler,
  ) {}

  /** The port the health endpoint listens on (after start-up). */
  get healthPort(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : this.config.healthPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    const { automation } = this.config;
    if (automation.enabled && automation.intervalMs > 0) this.automation.start(automation.intervalMs);
    this.server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url !== '/health') {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'not_found', message: 'only GET /health here' }));
        return;
      }
      projectionHealth(this.runner, this.events).then(
        (health) => {
          response.writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
          response.end(JSON.stringify(health));
        },
        (error: unknown) => {
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ status: 'down', error: (error as Error).message }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(this.config.healthPort, resolve));
    this.reporter = setInterval(() => void this.report(), this.config.reportEveryMs);
    this.reporter.unref();
    this.logger.log(
      `running ${serviceDeskProjection.name}; health on http://localhost:${this.healthPort}/health`,
    );
  }

  private async report(): Promise<void> {
    try {
      const [projection] = (await projectionHealth(this.runner, this.events)).projections;
      this.logger.log(
        `${projection.name} ${projection.status} at ${projection.position}, lag ${projection.lag}${projection.caughtUp ? ' (caught up)' : ''}`,
      );
    } catch (error) {
      this.logger.warn(`cannot read the event store's head: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    if (this.reporter) clearInterval(this.reporter);
    await this.automation.stop();
    await this.runner.stop();
    this.logger.log(
      `stopped${signal ? ` on ${signal}` : ''}: ${serviceDeskProjection.name} checkpoint at ${this.runner.state.position}`,
    );
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
    await this.events.close();
    await this.readStore.close();
  }
}

@Module({})
export class ProjectorModule {
  static forRoot(config: ProjectorConfig): DynamicModule {
    return {
      module: ProjectorModule,
      providers: [
        { provide: PROJECTOR_CONFIG, useValue: config },
        {
          provide: EVENT_STORE,
          useFactory: () => openEventStore(config.stores, { logger: new Logger('event-store') }),
        },
        {
          provide: READ_STORE,
          useFactory: () => openReadStore(config.stores),
        },
        {
          provide: ProjectionRunner,
          inject: [EVENT_STORE, READ_STORE],
          useFactory: (events: EventStore, readStore: ReadStore) =>
            new ProjectionRunner(events, readStore, serviceDeskProjection, {
              logger: new Logger('projection'),
            }),
        },
        {
          provide: AutomationScheduler,
          inject: [EVENT_STORE, READ_STORE, ProjectionRunner],
          useFactory: (events: EventStore, readStore: ReadStore, runner: ProjectionRunner) => {
            return createAutomationScheduler(config.automation, {
              events,
              readStore,
              tickets: new TicketCommands(events, new AgreementRepository(events), systemClock),
              clock: systemClock,
              progress: runner,
              logger: new Logger('automation'),
            });
          },
        },
        ProjectorLifecycle,
      ],
    };
  }
}
