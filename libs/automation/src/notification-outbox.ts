import { EventMetadata, EventStore } from '@app/event-store';
import { NotificationDoc, notificationStreamId } from '@app/projections';
import { ReadStore } from '@app/read-store';
import { MailSender } from './mail-sender';

export interface OutboxOptions {
  readonly from: string;
  /** Where an agent's notifications go: `{id}` is replaced by the agent id. */
  readonly agentAddress: string;
  /** Where notifications for an unassigned ticket go. */
  readonly serviceDeskAddress: string;
  /** A notification whose cause is older than this is skipped, not sent (history replayed after an import). */
  readonly maxAgeMs: number;
  readonly maxAttempts: number;
  /** Pause before attempt n+1: base x 2^(n-1). */
  readonly retryBaseMs: number;
  readonly batchSize: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  from: 'service-desk@service-desk.invalid',
  agentAddress: '{id}@agents.service-desk.invalid',
  serviceDeskAddress: 'service-desk@service-desk.invalid',
  maxAgeMs: 3 * 24 * 3_600_000,
  maxAttempts: 8,
  retryBaseMs: 60_000,
  batchSize: 100,
};

export interface DeliveryReport {
  sent: number;
  failed: number;
  skipped: number;
}

/**
 * Delivers the outbox: the pending notifications the projection created, each sent through the mail port
 * and then recorded in its own stream (`notification-<id>`: sent, failed with the next attempt, or
 * skipped). The record is appended with the stream's expected revision, so a delivery is recorded once.
 * Delivery is at least once: a crash between sending and recording sends again on restart, with the same
 * message id (the file sender writes nothing twice; SMTP receivers see the same Message-ID). Run one
 * delivering process per deployment (the one that runs the projections).
 */
export class NotificationOutbox {
  private readonly options: OutboxOptions;

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    private readonly sender: MailSender,
    options: Partial<OutboxOptions> = {},
  ) {
    this.options = { ...DEFAULT_OUTBOX_OPTIONS, ...options };
  }

  private addressOf(doc: NotificationDoc): string {
    if (doc.to.kind === 'person') return `${doc.to.name} <${doc.to.email}>`;
    return doc.to.agentId
      ? this.options.agentAddress.replace('{id}', doc.to.agentId)
      : this.options.serviceDeskAddress;
  }

  private async record(id: string, expected: number | 'no_stream', type: string, data: object, atMs: number) {
    const metadata: EventMetadata = {
      actor: { id: 'notification-outbox', role: 'system' },
      correlationId: id,
      causationId: id,
      commandId: null,
      occurredAt: new Date(atMs).toISOString(),
    };
    await this.events.appendToStream(notificationStreamId(id), [{ type, schemaVersion: 1, data, metadata }], {
      expectedRevision: expected,
    });
  }

  async deliverDue(nowMs: number): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0, skipped: 0 };
    const due = await this.readStore.find<NotificationDoc>('notifications', {
      filter: { status: 'pending', nextAttemptAt: { $lte: new Date(nowMs).toISOString() } },
      sort: { field: 'nextAttemptAt', direction: 'asc' },
      limit: this.options.batchSize,
    });
    for (const doc of due) {
      // The read model may lag behind the delivery record: the stream is the truth.
      const history = await this.events.readStream(notificationStreamId(doc.id));
      if (history.some((event) => event.type === 'NotificationSent' || event.type === 'NotificationSkipped'))
        continue;
      const expected = history.length === 0 ? 'no_stream' : history[history.length - 1].streamRevision;
      const attempt = history.filter((event) => event.type === 'NotificationDeliveryFailed').length + 1;
      // How old the news is: when it happened, or for the process manager's own (possibly late) actions,
      // when it was issued. Imported or replayed history is old news and is not mailed.
      const newsAt = Date.parse(doc.cause.byAutomation ? doc.cause.recordedAt : doc.cause.occurredAt);
      if (nowMs - newsAt > this.options.maxAgeMs) {
        await this.record(
          doc.id,
          expected,
          'NotificationSkipped',
          {
            reason: `its cause (${doc.cause.eventType} at ${new Date(newsAt).toISOString()}) is older than the delivery window`,
          },
          nowMs,
        );
        report.skipped++;
        continue;
      }
      const to = this.addressOf(doc);
      try {
        const receipt = await this.sender.send({
          id: doc.id,
          from: this.options.from,
          to,
          subject: doc.subject,
          text: doc.body,
        });
        await this.record(
          doc.id,
          expected,
          'NotificationSent',
          {
            to,
            subject: doc.subject,
            messageId: receipt.messageId,
            attempt,
            transport: receipt.transport,
          },
          nowMs,
        );
        report.sent++;
      } catch (error) {
        const giveUp = attempt >= this.options.maxAttempts;
        await this.record(
          doc.id,
          expected,
          'NotificationDeliveryFailed',
          {
            to,
            attempt,
            error: error instanceof Error ? error.message : String(error),
            nextAttemptAt: giveUp
              ? null
              : new Date(nowMs + this.options.retryBaseMs * 2 ** (attempt - 1)).toISOString(),
          },
          nowMs,
        );
        report.failed++;
      }
    }
    return report;
  }
}
