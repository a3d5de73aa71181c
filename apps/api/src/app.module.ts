import {
  AgreementCommands,
  AgreementRepository,
  CLOCK,
  Clock,
  TicketCommands,
  TicketQueries,
  systemClock,
} from '@app/application';
import { EVENT_STORE, EventStore, SqliteEventStore } from '@app/event-store';
import { AuditReports, ProjectionRunner, ReadQueries, serviceDeskProjection } from '@app/projections';
import { READ_STORE, ReadStore, SqliteReadStore } from '@app/read-store';
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
import { join } from 'node:path';
import { CreateAgreementHandler, ExecuteAgreementHandler } from './agreements/agreement-bus';
import { AgreementsController } from './agreements/agreements.controller';
import { AuthGuard } from './auth/auth.guard';
import { API_CONFIG, ApiConfig } from './config/api-config';
import { HealthController } from './health/health.controller';
import { ReadYourWrites } from './projection/read-your-writes';
import { ReportsController } from './reports/reports.controller';
import { ExecuteTicketHandler, LogTicketHandler } from './tickets/ticket-bus';
import { TicketCommandsController } from './tickets/ticket-commands.controller';
import { TicketQueriesController } from './tickets/ticket-queries.controller';

/**
 * Starts the projection inside the API (the embedded default) once the app is up. On shutdown Nest first
 * stops taking requests and lets those in flight finish; then the projection applies what they appended
 * (bounded wait), commits its checkpoint with its last batch, and the stores close.
 */
@Injectable()
class StoresLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly runner: ProjectionRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.waitFor(await this.events.headPosition(), 5000);
    await this.runner.stop();
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
          useFactory: () =>
            new SqliteEventStore({
              path: join(config.dataDir, 'events.db'),
              synchronous: config.sqliteSynchronous,
              // recordedAt comes from the application's clock, like every other time.
              now: () => clock.now(),
            }),
        },
        {
          provide: READ_STORE,
          useFactory: () => new SqliteReadStore({ path: join(config.dataDir, 'read.db') }),
        },
        {
          provide: ProjectionRunner,
          inject: [EVENT_STORE, READ_STORE],
          useFactory: (events: EventStore, readStore: ReadStore) =>
            new ProjectionRunner(events, readStore, serviceDeskProjection, {
              logger: new Logger('projection'),
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
