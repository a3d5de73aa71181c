import { Clock, TicketCommands, AutomationOutcome } from '@app/application';
import { Principal, extended } from '@app/domain';
import { TicketDoc } from '@app/projections';
import { ReadStore } from '@app/read-store';
import { DeliveryReport, NotificationOutbox } from './notification-outbox';

/** The process manager acts as this principal: every command it issues says so. */
export const AUTOMATION_PRINCIPAL: Principal = { id: 'automation', role: 'system', customers: ['*'] };

export interface TickReport {
  readonly at: string;
  readonly ticketsDue: number;
  readonly outcomes: ReadonlyArray<AutomationOutcome & { readonly ticketId: string }>;
  readonly delivery: DeliveryReport;
}

export interface SchedulerLogger {
  log(message: string): void;
  error(message: string): void;
}

/**
 * The service desk's process manager, driven by the events (through the ticket read models) and a clock:
 * on each tick it finds the tickets whose agreement rules have something due by now (auto-close,
 * follow-ups, missed customer updates, escalations), has each one decided on the ticket's own stream
 * (`TicketCommands.runAutomation`), then delivers the notifications owed. Nothing lives only in a timer:
 * deadlines are recomputed from the events on every tick, so a restart (or a tick after a long pause)
 * issues exactly what is due, dated when it fell due, and a second run issues nothing again.
 */
export class AutomationScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<TickReport> | null = null;

  constructor(
    private readonly readStore: ReadStore,
    private readonly tickets: TicketCommands,
    private readonly outbox: NotificationOutbox,
    private readonly clock: Clock,
    private readonly logger: SchedulerLogger = { log: () => undefined, error: () => undefined },
    /** Waits until the read models include what this tick appended, so that its emails go out in the same tick. */
    private readonly settle: () => Promise<void> = async () => undefined,
  ) {}

  /** One pass; concurrent calls share the pass in progress. */
  tick(): Promise<TickReport> {
    if (!this.running) {
      this.running = this.pass().finally(() => (this.running = null));
    }
    return this.running;
  }

  private async pass(): Promise<TickReport> {
    const nowMs = this.clock.now().getTime();
    // Only the tickets whose next deadline has come (the projection keeps it, indexed, with each ticket).
    const candidates = await this.readStore.find<Pick<TicketDoc, 'id'>>('tickets', {
      filter: { automationDueAt: { $lte: new Date(nowMs).toISOString() } },
      fields: ['id'],
    });
    const outcomes: Array<AutomationOutcome & { ticketId: string }> = [];
    for (const doc of candidates) {
      for (const outcome of await this.tickets.runAutomation(doc.id, nowMs, AUTOMATION_PRINCIPAL)) {
        outcomes.push(extended(outcome, { ticketId: doc.id }));
        if (outcome.kind === 'applied')
          this.logger.log(`${doc.id}: ${outcome.type} (due ${outcome.occurredAt})`);
      }
    }
    const ticketsDue = candidates.length;
    await this.settle();
    const delivery = await this.outbox.deliverDue(nowMs);
    return { at: new Date(nowMs).toISOString(), ticketsDue, outcomes, delivery };
  }

  /** Ticks every `intervalMs` until stop(); a failing tick is logged and the next one tries again. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) =>
        this.logger.error(
          `automation tick failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
