import {
  AgreementCommands,
  AgreementRepository,
  CLOCK,
  Clock,
  TicketCommands,
  TicketQueries,
  systemClock,
} from '@app/application';
import { AutomationScheduler, createAutomationScheduler } from '@app/automation';
import { EVENT_STORE, EventStore, SqliteEventStore } from '@app/event-store';
import {
  AuditReports,
  CheckpointFollower,
  ProjectionProgress,
  ProjectionRunner,
  ReadQueries,
  serviceDeskProjection,
} from '@app/projections';
import { READ_STORE, ReadStore } from '@app/read-store';
import { openEventStore, openReadStore } from '@app/stores';
import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { CreateAgreementHandler, ExecuteAgreementHandler } from './agreements/agreement-bus';
import { AgreementsController } from './agreements/agreements.controller';
import { AuthGuard } from './auth/auth.guard';
import { API_CONFIG, ApiConfig } from './config/api-config';
import { HealthController } from './health/health.controller';
import { ProjectionThread, projectionThreadAvailable } from './projection/projection-thread';
import { PROJECTION_PROGRESS, ReadYourWrites } from './projection/read-your-writes';
import { ReportsController } from './reports/reports.controller';
import { ExecuteTicketHandler, LogTicketHandler } from './tickets/ticket-bus';
import { TicketCommandsController } from './tickets/ticket-commands.controller';
import { TicketQueriesController } from './tickets/ticket-queries.controller';

/**
 * Starts the projection inside the API (the embedded default), or follows the checkpoints of the projector
 * app (PROJECTIONS=external). On shutdown Nest first stops taking requests and lets those in flight finish;
 * then the projection applies what they appended (bounded wait), commits its checkpoint with its last
 * batch, and the stores close.
 */
@Injectable()
class StoresLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTION_PROGRESS)
    private readonly progress: ProjectionRunner | ProjectionThread | CheckpointFollower,
    private readonly automation: AutomationScheduler,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** The process manager runs beside the projections (here only when this process runs them). */
  private get runsAutomation(): boolean {
    const { stores, automation } = this.config;
    return stores.projections === 'in-process' && automation.enabled && automation.intervalMs > 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.progress.start();
    if (this.runsAutomation) this.automation.start(this.config.automation.intervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.automation.stop();
    if (this.progress instanceof CheckpointFollower) this.progress.stop();
    else {
      await this.progress.waitFor(await this.events.headPosition(), 5000);
      await this.progress.stop();
    }
    await this.events.close();
    await this.readStore.close();
  }
}

export interface AppModuleOptions {
  readonly config: ApiConfig;
  /** Tests pass a controllable clock. */
  readonly clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot({ config, clock = systemClock }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        TicketCommandsController,
        TicketQueriesController,
        AgreementsController,
        ReportsController,
        HealthController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        {
          provide: EVENT_STORE,
          // recordedAt comes from the application's clock, like every other time. (The embedded stores
          // create their folder themselves.)
          useFactory: () =>
            openEventStore(config.stores, { now: () => clock.now(), logger: new Logger('event-store') }),
        },
        {
          provide: READ_STORE,
          useFactory: () => openReadStore(config.stores, { now: () => clock.now() }),
        },
        {
          provide: PROJECTION_PROGRESS,
          inject: [EVENT_STORE, READ_STORE],
          useFactory: (events: EventStore, readStore: ReadStore) => {
            const { stores } = config;
            if (stores.projections === 'external')
              return new CheckpointFollower(readStore, serviceDeskProjection.name, {
                logger: new Logger('projection'),
              });
            // The embedded default runs the projection in a thread of its own when the build allows it.
            if (
              projectionThreadAvailable &&
              events instanceof SqliteEventStore &&
              stores.eventStore.kind === 'embedded' &&
              stores.readStore.kind === 'embedded'
            )
              return new ProjectionThread(
                events,
                { eventsPath: stores.eventStore.path, readPath: stores.readStore.path },
                new Logger('projection'),
              );
            return new ProjectionRunner(events, readStore, serviceDeskProjection, {
              logger: new Logger('projection'),
            });
          },
        },
        {
          provide: AutomationScheduler,
          inject: [EVENT_STORE, READ_STORE, TicketCommands, CLOCK, PROJECTION_PROGRESS],
          useFactory: (
            events: EventStore,
            readStore: ReadStore,
            tickets: TicketCommands,
            c: Clock,
            progress: ProjectionProgress,
          ) =>
            createAutomationScheduler(config.automation, {
              events,
              readStore,
              tickets,
              clock: c,
              progress,
              logger: new Logger('automation'),
            }),
        },
        StoresLifecycle,
        ReadYourWrites,
        {
          provide: AuditReports,
          inject: [EVENT_STORE, AgreementRepository],
          useFactory: (events: EventStore, agreements: AgreementRepository) =>
            new AuditReports(events, (agreementId, version) => agreements.termsOf(agreementId, version)),
        },
        {
          provide: ReadQueries,
          inject: [READ_STORE, AgreementRepository],
          useFactory: (readStore: ReadStore, agreements: AgreementRepository) =>
            new ReadQueries(readStore, (agreementId, version) => agreements.termsOf(agreementId, version)),
        },
        {
          provide: AgreementRepository,
          inject: [EVENT_STORE],
          useFactory: (store: EventStore) => new AgreementRepository(store),
        },
        {
          provide: TicketCommands,
          inject: [EVENT_STORE, AgreementRepository, CLOCK],
          useFactory: (store: EventStore, agreements: AgreementRepository, c: Clock) =>
            new TicketCommands(store, agreements, c),
        },
        {
          provide: TicketQueries,
          inject: [EVENT_STORE, AgreementRepository, CLOCK],
          useFactory: (store: EventStore, agreements: AgreementRepository, c: Clock) =>
            new TicketQueries(store, agreements, c),
        },
        {
          provide: AgreementCommands,
          inject: [EVENT_STORE, CLOCK],
          useFactory: (store: EventStore, c: Clock) => new AgreementCommands(store, c),
        },
        LogTicketHandler,
        ExecuteTicketHandler,
        CreateAgreementHandler,
        ExecuteAgreementHandler,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
