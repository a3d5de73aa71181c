import {
  AgreementTerms,
  ChargeLine,
  ChargesReport,
  Priority,
  SlaClock,
  SlaGroupKey,
  SlaReport,
  chargesReportOf,
  slaClockAt,
  slaReportOf,
} from '@app/domain';
import { Filter, ReadStore, Scalar } from '@app/read-store';
import { ChargeLineDoc, TicketDoc, TicketFactsDoc } from './service-desk-projection';

export const TICKET_SORT_FIELDS = ['loggedAt', 'resolvedAt', 'lastEventAt', 'priority'] as const;
export type TicketSortField = (typeof TICKET_SORT_FIELDS)[number];

export interface TicketListQuery {
  /** The customers the caller may see; undefined = all. */
  readonly scope?: readonly string[];
  readonly customerId?: string;
  readonly service?: string;
  readonly kind?: string;
  readonly status?: string;
  readonly priority?: Priority;
  /** Past the resolution target by now (finally resolved over target, or open and past it). */
  readonly breached?: boolean;
  readonly loggedFrom?: string;
  readonly loggedTo?: string;
  readonly resolvedFrom?: string;
  readonly resolvedTo?: string;
  readonly sort: TicketSortField;
  readonly direction: 'asc' | 'desc';
  readonly limit: number;
  readonly after?: { readonly value: Scalar | null; readonly id: string };
}

export interface TicketListItem {
  readonly doc: TicketDoc;
  readonly sla: SlaClock;
}

export interface TicketListPage {
  readonly items: readonly TicketListItem[];
  /** Pass back to get the next page; null at the end. */
  readonly next: { readonly value: Scalar | null; readonly id: string } | null;
}

/** Looks up the terms a ticket is measured by (agreement id, version). */
export type TermsLookup = (agreementId: string, version: number) => Promise<AgreementTerms>;

function range(from?: string, to?: string) {
  if (from === undefined && to === undefined) return undefined;
  return { ...(from !== undefined ? { $gte: from } : {}), ...(to !== undefined ? { $lt: to } : {}) };
}

/** Queries answered from the projected documents (never by folding every ticket per request). */
export class ReadQueries {
  constructor(
    private readonly readStore: ReadStore,
    private readonly termsOf: TermsLookup,
  ) {}

  async listTickets(query: TicketListQuery, nowMs: number): Promise<TicketListPage> {
    const nowIso = new Date(nowMs).toISOString();
    const conditions: Record<string, Filter[string] | undefined> = {
      customerId: query.customerId ?? (query.scope ? { $in: query.scope } : undefined),
      service: query.service,
      kind: query.kind,
      status: query.status,
      priority: query.priority,
      breachedAt:
        query.breached === undefined ? undefined : query.breached ? { $lte: nowIso } : { $nullOrGt: nowIso },
      loggedAt: range(query.loggedFrom, query.loggedTo),
      resolvedAt: range(query.resolvedFrom, query.resolvedTo),
    };
    const filter = Object.fromEntries(
      Object.entries(conditions).filter(([, value]) => value !== undefined),
    ) as Filter;
    // Priorities sort by urgency: descending (the default order) puts P1 first, which their codes sort last.
    const flip = { asc: 'desc', desc: 'asc' } as const;
    const direction = query.sort === 'priority' ? flip[query.direction] : query.direction;
    const docs = await this.readStore.find<TicketDoc>('tickets', {
      filter,
      sort: { field: query.sort, direction },
      limit: query.limit + 1,
      after: query.after,
    });
    const page = docs.slice(0, query.limit);
    const items = await Promise.all(page.map(async (doc) => ({ doc, sla: await this.clockOf(doc, nowMs) })));
    const last = page[page.length - 1];
    return {
      items,
      next:
        docs.length > query.limit && last
          ? { value: (last[query.sort] as Scalar | null) ?? null, id: last.id }
          : null,
    };
  }

  /** The live clock of a projected ticket, at `nowMs` (or its last event, if later). */
  async clockOf(doc: TicketDoc, nowMs: number): Promise<SlaClock> {
    const terms = await this.termsOf(doc.state.agreementId, doc.state.agreementVersion);
    return slaClockAt(doc.state, doc.sla, terms, Math.max(nowMs, Date.parse(doc.lastEventAt)));
  }

  async slaReport(customerId: string, month: string, groupBy: readonly SlaGroupKey[]): Promise<SlaReport> {
    const facts = await this.readStore.find<TicketFactsDoc>('ticket_facts', {
      filter: { customerId, reportMonth: month },
    });
    return slaReportOf(facts, groupBy);
  }

  /** The report facts of the tickets finally resolved in a month. */
  resolvedFacts(customerId: string, month: string): Promise<TicketFactsDoc[]> {
    return this.readStore.find<TicketFactsDoc>('ticket_facts', {
      filter: { customerId, reportMonth: month },
      sort: { field: 'id', direction: 'asc' },
    });
  }

  async chargesReport(customerId: string, month: string): Promise<ChargesReport> {
    const docs = await this.readStore.find<ChargeLineDoc>('charge_lines', {
      filter: { customerId, chargeMonth: month },
    });
    const lines: ChargeLine[] = docs.map(
      ({ id: _id, customerId: _customer, chargeMonth: _month, ...line }) => line,
    );
    return chargesReportOf(lines);
  }
}
