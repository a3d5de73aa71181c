import {
  AGREEMENT_EVENT_TYPES,
  AgreementState,
  AgreementTerms,
  ChargeLine,
  ExistingTicket,
  ResolvedTicketFacts,
  SlaTally,
  TICKET_EVENT_TYPES,
  TicketLogged,
  TicketRecord,
  UserErrorCharge,
  addBusinessMilliseconds,
  agreementVersion,
  civilDateAt,
  clockStateOf,
  evolveAgreement,
  evolveTicketRecord,
  extended,
  nextDueAtMs,
  finalResolutionOf,
  initialAgreementState,
  slaClockAt,
  toIso,
  toMs,
  userErrorChargeOf,
} from '@app/domain';
import {
  AGREEMENT_STREAM_PREFIX,
  TICKET_STREAM_PREFIX,
  toAgreementEvent,
  toTimedTicketEvent,
} from '@app/application/event-mapping';
import { notificationsReadModel } from './notifications-read-model';
import { Projection, ProjectionContext, ReadModel } from './projection';

export type AgreementDoc = AgreementState & { readonly id: string };

/** Agreements as folded from their streams: the context every ticket is measured in. */
export const agreementsReadModel: ReadModel<AgreementDoc> = {
  collection: 'agreements',
  streamPrefix: AGREEMENT_STREAM_PREFIX,
  eventTypes: AGREEMENT_EVENT_TYPES,
  indexes: [],
  keepInMemory: true,
  documentId: (event) => event.streamId.slice(AGREEMENT_STREAM_PREFIX.length),
  evolve: (doc, event) => ({
    ...evolveAgreement(doc ?? initialAgreementState, toAgreementEvent(event)),
    id: event.streamId.slice(AGREEMENT_STREAM_PREFIX.length),
  }),
};

/** The figures a ticket contributes to the monthly SLA report, fixed at its final resolution. */
export interface TicketFigures {
  readonly responseMs: number | null;
  readonly resolutionMs: number;
  readonly resolutionTargetMs: number;
  readonly breached: boolean;
  readonly pausedMs: number;
  readonly missedCustomerUpdates: number;
}

/** One ticket as the list, the detail and the reports read it. */
export interface TicketDoc {
  readonly id: string;
  readonly state: ExistingTicket;
  readonly sla: SlaTally;
  // Flattened for filters and sorting.
  readonly customerId: string;
  readonly service: string;
  readonly kind: ExistingTicket['kind'];
  readonly status: ExistingTicket['status'];
  readonly priority: ExistingTicket['priority'];
  readonly loggedAt: string;
  readonly lastEventAt: string;
  /** The final resolution (or closed-unresolved); null while open or reopened. */
  readonly resolvedAt: string | null;
  readonly closedAt: string | null;
  /**
   * When the ticket was or will be past its resolution target: a resolution over target, the instant a
   * running clock reaches it, or (paused past target) when it was already past. Null when it cannot breach
   * as things stand. "Breached now" is breachedAt <= now.
   */
  readonly breachedAt: string | null;
  /** Month (agreement time zone) of the final resolution: the month the SLA report counts it in. */
  readonly reportMonth: string | null;
  readonly figures: TicketFigures | null;
  /** Month (agreement time zone) a user error closed in: the month its charge line is invoiced. */
  readonly chargeMonth: string | null;
  readonly charge: UserErrorCharge | null;
  /** When the agreement's rules next require something of the ticket (the process manager's index). */
  readonly automationDueAt: string | null;
  readonly streamRevision: number;
  readonly globalPosition: string;
}

const monthOf = (terms: AgreementTerms, instant: string) => {
  const date = civilDateAt(terms.calendar.timeZone, toMs(instant));
  return `${date.year}-${String(date.month).padStart(2, '0')}`;
};

function breachedAtOf(
  ticket: ExistingTicket,
  sla: SlaTally,
  terms: AgreementTerms,
  figures: TicketFigures | null,
) {
  if (figures) return figures.breached ? finalResolutionOf(ticket) : null;
  const targetMs = terms.targets[ticket.priority].resolutionMinutes * 60_000;
  if (sla.runningMs >= targetMs) return toIso(sla.statusSinceMs);
  return clockStateOf(ticket.status, terms) === 'running'
    ? toIso(addBusinessMilliseconds(terms.calendar, sla.statusSinceMs, targetMs - sla.runningMs))
    : null;
}

/** Builds the document from a ticket's folded record, the terms it is measured by and its stream position. */
export function ticketDocOf(
  record: TicketRecord,
  terms: AgreementTerms,
  position: { readonly streamRevision: number; readonly globalPosition: string },
): TicketDoc {
  const { ticket, sla } = record;
  const resolvedAt = finalResolutionOf(ticket);
  const lastEventMs = toMs(ticket.lastEventAt);
  let figures: TicketFigures | null = null;
  if (resolvedAt !== null) {
    const clock = slaClockAt(ticket, sla, terms, lastEventMs);
    figures = {
      responseMs: clock.responseMs,
      resolutionMs: clock.runningMs,
      resolutionTargetMs: clock.resolutionTargetMs,
      breached: clock.breached,
      pausedMs: clock.pausedMs,
      missedCustomerUpdates: clock.missedCustomerUpdates,
    };
  }
  const charge = userErrorChargeOf(ticket, terms.rateCard);
  return {
    id: ticket.ticketId,
    state: ticket,
    sla,
    customerId: ticket.customerId,
    service: ticket.service,
    kind: ticket.kind,
    status: ticket.status,
    priority: ticket.priority,
    loggedAt: ticket.loggedAt,
    lastEventAt: ticket.lastEventAt,
    resolvedAt,
    closedAt: ticket.closedAt,
    breachedAt: breachedAtOf(ticket, sla, terms, figures),
    reportMonth: resolvedAt === null ? null : monthOf(terms, resolvedAt),
    figures,
    chargeMonth: charge !== null && ticket.closedAt !== null ? monthOf(terms, ticket.closedAt) : null,
    charge,
    automationDueAt: (() => {
      const at = nextDueAtMs(ticket, sla, terms);
      return at === null ? null : toIso(at);
    })(),
    streamRevision: position.streamRevision,
    globalPosition: position.globalPosition,
  };
}

function termsOf(state: ExistingTicket, context: ProjectionContext): AgreementTerms {
  return agreementVersion(context.agreement(state.agreementId), state.agreementVersion).terms;
}

/** What the SLA report needs of a ticket finally resolved in a month (none while it is not). */
export interface TicketFactsDoc extends ResolvedTicketFacts {
  readonly id: string;
  readonly customerId: string;
  readonly reportMonth: string;
}

function reportFactsOf(doc: TicketDoc): TicketFactsDoc | null {
  if (doc.figures === null || doc.reportMonth === null) return null;
  return {
    id: doc.id,
    ticketId: doc.id,
    customerId: doc.customerId,
    reportMonth: doc.reportMonth,
    kind: doc.kind,
    service: doc.service,
    priority: doc.priority,
    status: doc.status,
    closure: doc.state.closure,
    reopenCount: doc.state.reopenCount,
    resolutionMs: doc.figures.resolutionMs,
    breached: doc.figures.breached,
    pausedMs: doc.figures.pausedMs,
    missedCustomerUpdates: doc.figures.missedCustomerUpdates,
  };
}

/** A user error's invoice line in the month it closed (none for other tickets, or before closing). */
export interface ChargeLineDoc extends ChargeLine {
  readonly id: string;
  readonly customerId: string;
  readonly chargeMonth: string;
}

function chargeLineOf(doc: TicketDoc): ChargeLineDoc | null {
  if (!doc.charge || !doc.closedAt || doc.chargeMonth === null) return null;
  return extended(doc.charge, {
    id: doc.id,
    customerId: doc.customerId,
    chargeMonth: doc.chargeMonth,
    service: doc.service,
    summary: doc.state.summary,
    closedAt: doc.closedAt,
  });
}

export const ticketsReadModel: ReadModel<TicketDoc> = {
  collection: 'tickets',
  streamPrefix: TICKET_STREAM_PREFIX,
  documentPerStream: true,
  eventTypes: TICKET_EVENT_TYPES,
  // The list's filters and sorts (GET /tickets): each sort field with and without the customer, whom a
  // requester's list is always scoped to, so that a page is read from an index in order rather than by
  // sorting every matching ticket (docs/performance.md, tenth session).
  indexes: [
    { fields: ['loggedAt'] },
    { fields: ['customerId', 'loggedAt'] },
    { fields: ['status', 'loggedAt'] },
    { fields: ['priority', 'loggedAt'] },
    { fields: ['lastEventAt'] },
    { fields: ['customerId', 'lastEventAt'] },
    // With loggedAt too, a range of resolution dates sorted by logging (the default sort) is read from the
    // index alone, and only the page's documents are read. After the id, so that the index's own order is
    // the page's (resolvedAt, id): ordered (resolvedAt, loggedAt, id), it left SQLite a sort within each
    // resolution date, and with a filter on another column it sorted every ticket instead (22-26 ms against
    // 0.1 ms for incidents by resolution; docs/performance.md, eleventh session).
    { fields: ['resolvedAt'], include: ['loggedAt'] },
    { fields: ['customerId', 'resolvedAt'], include: ['loggedAt'] },
    // A full index, not a sparse one: with an index of breached tickets only, SQLite read all of them and
    // sorted them for a page of breached tickets by date (16-20 ms at 150,000) instead of walking the date's
    // index (3-6 ms; docs/performance.md, eleventh session).
    { fields: ['breachedAt'] },
    // Only the automation asks for it (tickets due by now, unsorted), and one ticket in twenty has a date.
    { fields: ['automationDueAt'], sparse: true },
    // The list's other filters, read while walking another index: as columns, without a document read per
    // ticket (incidents sorted by priority 113-171 ms -> 15-20 ms at 150,000; docs/performance.md).
    { fields: ['kind', 'service'], filterOnly: true },
  ],
  documentId: (event) => event.streamId.slice(TICKET_STREAM_PREFIX.length),
  // Folding is per event; deriving the list, report and charge fields happens once per written document.
  evolve: (doc, event, context) => {
    const timed = toTimedTicketEvent(event);
    if (!doc && timed.type !== 'TicketLogged')
      throw new Error('the first event of a ticket must be TicketLogged');
    const terms = doc
      ? termsOf(doc.state, context)
      : agreementVersion(
          context.agreement((timed as TicketLogged).data.agreementId),
          (timed as TicketLogged).data.agreementVersion,
        ).terms;
    const record = evolveTicketRecord(
      doc ? { ticket: doc.state, sla: doc.sla } : null,
      timed,
      terms,
    ) as TicketRecord;
    // What `materialize` derives the stored document from; the other fields are derived when it is written
    // (a spread of the stored document's fields here was V8's slow copy, once per event of a rebuild).
    return {
      id: record.ticket.ticketId,
      state: record.ticket,
      sla: record.sla,
      streamRevision: event.streamRevision,
      globalPosition: event.globalPosition.toString(),
    } as TicketDoc;
  },
  materialize: (doc, context) =>
    ticketDocOf({ ticket: doc.state, sla: doc.sla }, termsOf(doc.state, context), doc),
  // The monthly reports read many tickets: they read these compact documents instead of whole tickets.
  derived: {
    collections: [
      { collection: 'ticket_facts', indexes: [{ fields: ['customerId', 'reportMonth'], covering: true }] },
      { collection: 'charge_lines', indexes: [{ fields: ['customerId', 'chargeMonth'], covering: true }] },
    ],
    documentsOf: (doc) => ({ ticket_facts: reportFactsOf(doc), charge_lines: chargeLineOf(doc) }),
  },
};

/** The embedded default runs one projection holding every read model of the service desk. */
export const serviceDeskProjection: Projection = {
  name: 'service-desk.v1',
  readModels: [agreementsReadModel, ticketsReadModel, notificationsReadModel],
};
