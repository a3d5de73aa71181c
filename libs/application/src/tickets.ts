import {
  ExistingTicket,
  Principal,
  SlaClock,
  TicketCommand,
  TicketEvent,
  TimedTicketEvent,
  UserErrorCharge,
  canIssue,
  DomainError,
  TicketRecord,
  dueActions,
  evolveTicketRecord,
  toMs,
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
  extended,
} from '@app/domain';
import { EventStore, NewEvent, StoredEvent, WrongExpectedRevisionError } from '@app/event-store';
import { AgreementRepository } from './agreements';
import { ForbiddenError, NotFoundError } from './application-errors';
import { Clock } from './clock';
import { ticketStreamId, toTimedTicketEvent } from './event-mapping';
import {
  CommandOptions,
  CommandResult,
  executeOnStream,
  fingerprint,
  idempotentCommandId,
  newAggregateId,
  newEventsOf,
} from './stream-command-executor';

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
    const result = await this.execute(
      ticketId,
      { type: 'LogTicket', data: extended(data, { ticketId }) },
      options,
      {
        streamIsNew: !options.idempotencyKey,
      },
    );
    return extended(result, { ticketId });
  }

  /**
   * A ticket's recorded history, applied group by group (an imported snapshot row is a group): each group's
   * commands are computed from the ticket's state as the groups before it left it, then each command is
   * checked for permission and decided on that state exactly as the API would, with its original actor and
   * time. The accepted events are appended together in one atomic append. A refused command appends nothing
   * and is reported with its reason; the commands after it are decided on the state without it.
   * Every command carries an idempotency key: one already in the stream is not decided again but its
   * recorded events are applied, so that re-running an import reproduces the same states and appends
   * nothing. A stream holding commands that are not part of this history (sent through the API, say) is
   * left as it is: the new commands are refused rather than appended after events they did not see.
   */
  async executeHistory(ticketId: string, groups: readonly HistoryGroup[]): Promise<HistoryResult> {
    const streamId = ticketStreamId(ticketId);
    const stored = await this.store.readStream(streamId);
    const recordedByCommand = new Map<string, StoredEvent[]>();
    for (const event of stored) {
      const commandId = event.metadata.commandId ?? '';
      const list = recordedByCommand.get(commandId);
      if (list) list.push(event);
      else recordedByCommand.set(commandId, [event]);
    }
    let state: TicketState = initialTicketState;
    const outcomes: HistoryOutcome[][] = [];
    const appended: NewEvent[] = [];
    let matched = 0;
    for (const group of groups) {
      const groupOutcomes: HistoryOutcome[] = [];
      outcomes.push(groupOutcomes);
      for (const step of await group(state)) {
        const commandId = idempotentCommandId(step.principal.id, step.key);
        const recorded = recordedByCommand.get(commandId);
        if (recorded) {
          for (const event of recorded) state = evolveTicket(state, toTimedTicketEvent(event));
          matched += recorded.length;
          recordedByCommand.delete(commandId);
          groupOutcomes.push({ kind: 'already_recorded' });
          continue;
        }
        const decision = await this.decideKeyed(
          ticketId,
          state,
          step.command,
          step.principal,
          commandId,
          step.occurredAt,
        );
        if (decision.kind === 'refused') {
          groupOutcomes.push(decision);
          continue;
        }
        state = decision.state;
        appended.push(...decision.events);
        groupOutcomes.push({ kind: 'applied', eventTypes: decision.events.map((event) => event.type) });
      }
    }
    if (appended.length > 0 && matched < stored.length) {
      const reason = `${streamId} holds ${stored.length - matched} events from commands outside this history`;
      for (const group of outcomes)
        group.forEach((outcome, index) => {
          if (outcome.kind === 'applied')
            group[index] = { kind: 'refused', code: 'history_diverged', reason };
        });
      return { outcomes, eventsAppended: 0 };
    }
    if (appended.length > 0) {
      const last = stored[stored.length - 1];
      await this.store.appendToStream(streamId, appended, {
        expectedRevision: last ? last.streamRevision : 'no_stream',
      });
    }
    return { outcomes, eventsAppended: appended.length };
  }

  /**
   * The process manager's step for one ticket: fold its stream (state and SLA tally), ask the agreement's
   * rules what is due by `nowMs` (`dueActions`), and decide each due command as `principal` (the system),
   * dated when it fell due (or at the ticket's last event, if later). A command already in the stream (same
   * deterministic key) is not issued again; one the decider refuses (the ticket moved on) appends nothing.
   * The accepted events are appended together; a concurrent writer makes it start over on the new state.
   */
  async runAutomation(ticketId: string, nowMs: number, principal: Principal): Promise<AutomationOutcome[]> {
    const streamId = ticketStreamId(ticketId);
    for (let attempt = 1; ; attempt++) {
      const stored = await this.store.readStream(streamId);
      if (stored.length === 0) return [];
      const recorded = new Set(stored.map((event) => event.metadata.commandId));
      const events = stored.map(toTimedTicketEvent);
      const logged = ticketStateOf(events.slice(0, 1)) as ExistingTicket;
      const terms = await this.agreements.termsOf(logged.agreementId, logged.agreementVersion);
      let record: TicketRecord | null = null;
      for (const event of events) record = evolveTicketRecord(record, event, terms);
      if (!record) return [];
      let state: TicketState = record.ticket;
      const outcomes: AutomationOutcome[] = [];
      const appended: NewEvent[] = [];
      for (const action of dueActions(record.ticket, record.sla, terms, nowMs, events)) {
        const commandId = idempotentCommandId(principal.id, action.key);
        if (recorded.has(commandId)) {
          outcomes.push({ key: action.key, type: action.command.type, kind: 'already_recorded' });
          continue;
        }
        const at = new Date(Math.max(action.dueAtMs, toMs((state as ExistingTicket).lastEventAt)));
        const decision = await this.decideKeyed(ticketId, state, action.command, principal, commandId, at);
        const about = { key: action.key, type: action.command.type };
        if (decision.kind === 'refused') {
          outcomes.push({ ...about, ...decision });
          continue;
        }
        state = decision.state;
        appended.push(...decision.events);
        outcomes.push(extended(about, { kind: 'applied' as const, occurredAt: at.toISOString() }));
      }
      if (appended.length === 0) return outcomes;
      try {
        await this.store.appendToStream(streamId, appended, {
          expectedRevision: stored[stored.length - 1].streamRevision,
        });
        return outcomes;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < 5) continue;
        throw error;
      }
    }
  }

  /**
   * One command with a deterministic id, decided on `state` as of `at`: the events to append (with their
   * metadata) and the state after them, or the refusal with its code and reason.
   */
  private async decideKeyed(
    ticketId: string,
    state: TicketState,
    command: TicketCommand,
    principal: Principal,
    commandId: string,
    at: Date,
  ): Promise<
    | { kind: 'applied'; state: TicketState; events: NewEvent[] }
    | { kind: 'refused'; code: string; reason: string }
  > {
    let decided: TicketEvent[];
    try {
      decided = await this.decideOn(ticketId, state, command, principal, at.getTime());
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return { kind: 'refused', ...refusal };
    }
    const occurredAt = at.toISOString();
    let after = state;
    for (const event of decided) after = evolveTicket(after, { ...event, occurredAt } as TimedTicketEvent);
    const events = newEventsOf(decided, {
      principal,
      commandId,
      correlationId: commandId,
      occurredAt: at,
      commandFingerprint: fingerprint(command),
      deterministicIds: true,
    });
    return { kind: 'applied', state: after, events };
  }

  /** Permission, then the decider, on a given state: what every command of a ticket goes through. */
  private async decideOn(
    ticketId: string,
    state: TicketState,
    command: TicketCommand,
    principal: Principal,
    now: number,
  ): Promise<TicketEvent[]> {
    if (command.type !== 'LogTicket' && !state.exists) throw notFound(ticketId);
    const permission = canIssue(principal, command, state.exists ? state : null);
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
        decide: (state, now) => this.decideOn(ticketId, state, command, options.principal, now),
      },
      options,
    );
  }
}

/** One command of an imported history: what was done, by whom, when, under which idempotency key. */
export interface HistoricalCommand {
  readonly command: TicketCommand;
  readonly principal: Principal;
  readonly occurredAt: Date;
  readonly key: string;
}

/** The commands of one group of a history (an imported row), computed from the state the groups before left. */
export type HistoryGroup = (
  state: TicketState,
) => readonly HistoricalCommand[] | Promise<readonly HistoricalCommand[]>;

function refusalOf(error: unknown): { code: string; reason: string } | null {
  if (error instanceof DomainError || error instanceof NotFoundError)
    return { code: error.code, reason: error.reason };
  if (error instanceof ForbiddenError) return { code: 'forbidden', reason: error.reason };
  return null;
}

/** What the process manager did about one due action of a ticket. */
export type AutomationOutcome = { readonly key: string; readonly type: string } & (
  | { readonly kind: 'applied'; readonly occurredAt: string }
  | { readonly kind: 'already_recorded' }
  | { readonly kind: 'refused'; readonly code: string; readonly reason: string }
);

export type HistoryOutcome =
  | { readonly kind: 'applied'; readonly eventTypes: readonly string[] }
  | { readonly kind: 'already_recorded' }
  | { readonly kind: 'refused'; readonly code: string; readonly reason: string };

export interface HistoryResult {
  /** Per group, one per command, in order. */
  readonly outcomes: ReadonlyArray<readonly HistoryOutcome[]>;
  readonly eventsAppended: number;
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
