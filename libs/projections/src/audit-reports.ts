import { ChargeLine, ChargesReport, SlaGroupKey, SlaReport } from '@app/domain';
import { TICKET_STREAM_PREFIX } from '@app/application/event-mapping';
import { EventStore } from '@app/event-store';
import { ReadQueries, TermsLookup } from './read-queries';
import { RecomputeOptions, recomputeReadModels } from './recompute';
import { TicketFactsDoc } from './service-desk-projection';

export interface AuditOptions {
  /** Figures as known at this instant: only events recorded by then. */
  readonly asOfMs?: number;
  /** What-if: every ticket measured by this version of its agreement. */
  readonly whatIfVersion?: number;
}

/** An event that changed a line or a ticket's figures between two instants. */
export interface CausingEvent {
  readonly type: string;
  readonly streamRevision: number;
  readonly globalPosition: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: { readonly id: string; readonly role: string };
}

export interface Change<T> {
  readonly ticketId: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly before: T | null;
  readonly after: T | null;
  readonly causedBy: readonly CausingEvent[];
}

/**
 * Reports recomputed from the events (never from the read models): as known at an instant, under another
 * agreement version, and the difference between two instants with the events that made it.
 */
export class AuditReports {
  /**
   * The recomputations of this process, one at a time: each holds a customer's read models in memory (an
   * SLA report of one customer-month over 1,000,159 events: ~5 s, and a CLI process at 490 MB peak RSS),
   * so several at once would add up, in the API's process. Later requests wait their turn.
   */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly events: EventStore,
    private readonly termsOf: TermsLookup,
  ) {}

  private withRecomputed<T>(
    options: RecomputeOptions,
    query: (queries: ReadQueries) => Promise<T>,
  ): Promise<T> {
    const run = this.turn.then(async () => {
      const { store } = await recomputeReadModels(this.events, options);
      try {
        return await query(new ReadQueries(store, this.termsOf));
      } finally {
        await store.close();
      }
    });
    // The next one waits for this one to end, whether it failed or not; its caller hears its failure.
    this.turn = run.catch(() => undefined);
    return run;
  }

  slaReport(
    customerId: string,
    month: string,
    groupBy: readonly SlaGroupKey[],
    options: AuditOptions,
  ): Promise<SlaReport> {
    return this.withRecomputed(
      { customerId, recordedUpToMs: options.asOfMs, whatIfVersion: options.whatIfVersion },
      (queries) => queries.slaReport(customerId, month, groupBy),
    );
  }

  chargesReport(customerId: string, month: string, options: AuditOptions): Promise<ChargesReport> {
    return this.withRecomputed(
      { customerId, recordedUpToMs: options.asOfMs, whatIfVersion: options.whatIfVersion },
      (queries) => queries.chargesReport(customerId, month),
    );
  }

  async chargesDiff(customerId: string, month: string, fromMs: number, toMs: number) {
    const [before, after] = [
      await this.chargesReport(customerId, month, { asOfMs: fromMs }),
      await this.chargesReport(customerId, month, { asOfMs: toMs }),
    ];
    const changes = await this.changes(
      new Map(before.lines.map((line) => [line.ticketId, line])),
      new Map(after.lines.map((line) => [line.ticketId, line])),
      fromMs,
      toMs,
    );
    return { before, after, changes: changes as Change<ChargeLine>[] };
  }

  async slaDiff(
    customerId: string,
    month: string,
    groupBy: readonly SlaGroupKey[],
    fromMs: number,
    toMs: number,
  ) {
    const facts = (asOfMs: number) =>
      this.withRecomputed({ customerId, recordedUpToMs: asOfMs }, async (queries) => ({
        report: await queries.slaReport(customerId, month, groupBy),
        facts: await queries.resolvedFacts(customerId, month),
      }));
    const [before, after] = [await facts(fromMs), await facts(toMs)];
    const changes = await this.changes(
      new Map(before.facts.map((fact) => [fact.ticketId, fact])),
      new Map(after.facts.map((fact) => [fact.ticketId, fact])),
      fromMs,
      toMs,
    );
    return { before: before.report, after: after.report, changes: changes as Change<TicketFactsDoc>[] };
  }

  private async changes<T>(
    before: Map<string, T>,
    after: Map<string, T>,
    fromMs: number,
    toMs: number,
  ): Promise<Change<T>[]> {
    const changes: Change<T>[] = [];
    for (const ticketId of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const [was, is] = [before.get(ticketId) ?? null, after.get(ticketId) ?? null];
      if (JSON.stringify(was) === JSON.stringify(is)) continue;
      const stream = await this.events.readStream(`${TICKET_STREAM_PREFIX}${ticketId}`);
      const causedBy = stream
        .filter((event) => {
          const recorded = Date.parse(event.recordedAt);
          return recorded > fromMs && recorded <= toMs;
        })
        .map((event) => ({
          type: event.type,
          streamRevision: event.streamRevision,
          globalPosition: event.globalPosition.toString(),
          occurredAt: event.metadata.occurredAt,
          recordedAt: event.recordedAt,
          actor: event.metadata.actor,
        }));
      changes.push({
        ticketId,
        change: was === null ? 'added' : is === null ? 'removed' : 'changed',
        before: was,
        after: is,
        causedBy,
      });
    }
    return changes;
  }
}
