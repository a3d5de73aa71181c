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
import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { join } from 'node:path';
import { CreateAgreementHandler, ExecuteAgreementHandler } from './agreements/agreement-bus';
import { AgreementsController } from './agreements/agreements.controller';
import { AuthGuard } from './auth/auth.guard';
import { API_CONFIG, ApiConfig } from './config/api-config';
import { HealthController } from './health/health.controller';
import { ExecuteTicketHandler, LogTicketHandler } from './tickets/ticket-bus';
import { TicketCommandsController } from './tickets/ticket-commands.controller';
import { TicketQueriesController } from './tickets/ticket-queries.controller';

/** Closes the event store after the last request, so that every accepted append is committed. */
@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
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
            }),
        },
        EventStoreLifecycle,
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
