import {
  ExistingTicket,
  Principal,
  SlaClock,
  TicketCommand,
  TimedTicketEvent,
  UserErrorCharge,
  canIssue,
  canReadTicket,
  decideTicket,
  describeTicketEvent,
  evolveTicket,
  initialTicketState,
  statusPeriodsOf,
  TicketState,
  slaClockOf,
  ticketStateOf,
  userErrorChargeOf,
} from '@app/domain';
import { EventStore, StoredEvent } from '@app/event-store';
import { AgreementRepository } from './agreements';
import { ForbiddenError, NotFoundError } from './application-errors';
import { Clock } from './clock';
import { ticketStreamId, toTimedTicketEvent } from './event-mapping';
import { CommandOptions, CommandResult, executeOnStream, newAggregateId } from './stream-command-executor';

export type TicketCommandOptions = CommandOptions & { readonly principal: Principal };

const notFound = (ticketId: string) =>
  new NotFoundError('ticket_not_found', `ticket ${ticketId} does not exist`);

export class TicketCommands {
  constructor(
    private readonly store: EventStore,
    private readonly agreements: AgreementRepository,
    private readonly clock: Clock,
  ) {}

  /** Logs a ticket under a new id, or under the id derived from the idempotency key so that a retry finds it. */
  async log(
    data: Omit<Extract<TicketCommand, { type: 'LogTicket' }>['data'], 'ticketId'>,
    options: TicketCommandOptions,
  ): Promise<CommandResult & { ticketId: string }> {
    const ticketId = newAggregateId('ticket', options);
    const result = await this.execute(ticketId, { type: 'LogTicket', data: { ...data, ticketId } }, options, {
      streamIsNew: !options.idempotencyKey,
    });
    return { ...result, ticketId };
  }

  execute(
    ticketId: string,
    command: TicketCommand,
    options: TicketCommandOptions,
    { streamIsNew = false } = {},
  ): Promise<CommandResult> {
    return executeOnStream(
      this.store,
      this.clock,
      {
        streamId: ticketStreamId(ticketId),
        streamIsNew,
        fingerprintSource: command,
        fold: (stored) => ticketStateOf(stored.map(toTimedTicketEvent)),
        decide: async (state, now) => {
          if (command.type !== 'LogTicket' && !state.exists) throw notFound(ticketId);
          const permission = canIssue(options.principal, command, state.exists ? state : null);
          if (!permission.allowed) throw new ForbiddenError(permission.reason);
          // Logging needs the versions published up to now; any other command the version the ticket is bound to.
          const agreement =
            command.type === 'LogTicket'
              ? await this.agreements.load(command.data.agreementId)
              : await this.agreements.loadWithVersion(
                  (state as ExistingTicket).agreementId,
                  (state as ExistingTicket).agreementVersion,
                );
          return decideTicket(command, state, { now, agreement });
        },
      },
      options,
    );
  }
}

export interface TicketView {
  readonly ticket: ExistingTicket;
  readonly sla: SlaClock;
  readonly charge: UserErrorCharge | null;
  readonly streamRevision: number;
  readonly globalPosition: bigint;
}

export interface TicketHistoryPage {
  readonly events: readonly StoredEvent[];
  /** The revision to ask for next; null when this page reached the end of the stream. */
  readonly nextRevision: number | null;
}

/** Reads straight from the event stream: always consistent with the last accepted command. */
export class TicketQueries {
  constructor(
    private readonly store: EventStore,
    private readonly agreements: AgreementRepository,
    private readonly clock: Clock,
  ) {}

  /** The ticket's events (those that had happened by `asOfMs`, when given), checked for the reader's scope. */
  private async loadReadable(ticketId: string, principal: Principal, asOfMs?: number) {
    const all = await this.store.readStream(ticketStreamId(ticketId));
    const stored =
      asOfMs === undefined ? all : all.filter((event) => Date.parse(event.metadata.occurredAt) <= asOfMs);
    const events: TimedTicketEvent[] = stored.map(toTimedTicketEvent);
    const ticket = ticketStateOf(events);
    if (!ticket.exists) {
      // Scope is checked on the current state, so that "did not exist then" reveals nothing out of scope.
      const current = ticketStateOf(all.map(toTimedTicketEvent));
      if (current.exists && !canReadTicket(principal, current).allowed) {
        throw new ForbiddenError(`${principal.id} may not see tickets of customer ${current.customerId}`);
      }
      throw asOfMs !== undefined && current.exists
        ? new NotFoundError(
            'ticket_not_found',
            `ticket ${ticketId} was not logged by ${new Date(asOfMs).toISOString()}`,
          )
        : notFound(ticketId);
    }
    const permission = canReadTicket(principal, ticket);
    if (!permission.allowed) throw new ForbiddenError(permission.reason);
    return { stored, events, ticket };
  }

  /**
   * The ticket with its SLA clock, by the agreement version it is bound to: now, or as it stood at `asOfMs`
   * (folded from the events that had happened by then, never from a read model).
   */
  async get(ticketId: string, principal: Principal, asOfMs?: number): Promise<TicketView> {
    const { stored, events, ticket } = await this.loadReadable(ticketId, principal, asOfMs);
    const terms = await this.agreements.termsOf(ticket.agreementId, ticket.agreementVersion);
    const at = asOfMs ?? Math.max(this.clock.now().getTime(), Date.parse(ticket.lastEventAt));
    const last = stored[stored.length - 1];
    return {
      ticket,
      sla: slaClockOf(events, terms, at),
      charge: userErrorChargeOf(ticket, terms.rateCard),
      streamRevision: last.streamRevision,
      globalPosition: last.globalPosition,
    };
  }

  /** The ticket's history in words (who, when, what) and the time spent in each status. */
  async timeline(ticketId: string, principal: Principal) {
    const { stored, events, ticket } = await this.loadReadable(ticketId, principal);
    const terms = await this.agreements.termsOf(ticket.agreementId, ticket.agreementVersion);
    const now = Math.max(this.clock.now().getTime(), Date.parse(ticket.lastEventAt));
    let state: TicketState = initialTicketState;
    const entries = stored.map((event, index) => {
      state = evolveTicket(state, events[index]);
      return {
        at: event.metadata.occurredAt,
        actor: event.metadata.actor,
        type: event.type,
        description: describeTicketEvent(events[index]),
        statusAfter: state.exists ? state.status : null,
        streamRevision: event.streamRevision,
      };
    });
    return { entries, statusPeriods: statusPeriodsOf(events, terms, now) };
  }

  async history(
    ticketId: string,
    principal: Principal,
    page: { fromRevision: number; limit: number },
  ): Promise<TicketHistoryPage> {
    const { stored } = await this.loadReadable(ticketId, principal);
    const events = stored.slice(page.fromRevision, page.fromRevision + page.limit);
    const nextRevision =
      page.fromRevision + page.limit < stored.length ? page.fromRevision + page.limit : null;
    return { events, nextRevision };
  }
}
