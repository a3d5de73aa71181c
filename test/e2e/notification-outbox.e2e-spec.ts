import { AgreementCommands, AgreementRepository, TicketCommands, systemClock } from '@app/application';
import { MailMessage, MailSender, NotificationOutbox } from '@app/automation';
import { AgreementTerms, LogTicket } from '@app/domain';
import { SqliteEventStore } from '@app/event-store';
import { NotificationDoc, ProjectionRunner, serviceDeskProjection } from '@app/projections';
import { SqliteReadStore } from '@app/read-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acmeTerms, ticketBody } from '../support/fixtures';

/** A mail server that refuses the first `failures` messages, then accepts. */
class FlakySender implements MailSender {
  readonly accepted: MailMessage[] = [];
  attempts = 0;
  constructor(private failures: number) {}
  async send(message: MailMessage) {
    this.attempts++;
    if (this.failures-- > 0) throw new Error('421 service not available');
    this.accepted.push(message);
    return { transport: 'test', messageId: `<${message.id}@test>` };
  }
}

/** The outbox's delivery record: retries with backoff, gives up after the last attempt, skips old news. */
describe('notification outbox: retries, giving up, old news', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readStore: SqliteReadStore;
  let runner: ProjectionRunner;
  const agent = { id: 'agent-1', role: 'agent' as const, customers: ['*'] };
  const loggedAt = Date.parse('2026-03-02T09:00:00Z');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    events = new SqliteEventStore({
      path: join(dir, 'events.db'),
      synchronous: 'NORMAL',
      now: () => new Date(loggedAt),
    });
    readStore = new SqliteReadStore({ path: join(dir, 'read.db') });
    const admin = { principal: { id: 'admin-1', role: 'admin' as const, customers: ['*'] } };
    const agreements = new AgreementCommands(events, systemClock);
    await agreements.execute(
      'agr',
      {
        type: 'CreateAgreement',
        data: { agreementId: 'agr', customerId: 'acme', name: 'A', services: ['email'] },
      },
      admin,
    );
    await agreements.execute(
      'agr',
      {
        type: 'PublishAgreementVersion',
        data: { effectiveFrom: '2020-01-01T00:00:00Z', terms: acmeTerms as AgreementTerms },
      },
      admin,
    );
    const tickets = new TicketCommands(events, new AgreementRepository(events), systemClock);
    await tickets.execute(
      't-1',
      {
        type: 'LogTicket',
        data: { ...ticketBody('agr'), description: '', ticketId: 't-1' } as LogTicket['data'],
      },
      { principal: agent, occurredAt: new Date(loggedAt) },
    );
    runner = new ProjectionRunner(events, readStore, serviceDeskProjection);
    await runner.runToHead();
  });
  afterEach(async () => {
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const project = () => runner.runToHead();
  const doc = async () => (await readStore.find<NotificationDoc>('notifications'))[0];
  const delivery = async () =>
    (await events.readAll({ maxCount: 1000 })).filter((e) => e.streamId.startsWith('notification-'));
  const minutes = (n: number) => loggedAt + n * 60_000;

  it('retries after 1, 2 and 4 minutes, then records the email sent once', async () => {
    const sender = new FlakySender(3);
    const outbox = new NotificationOutbox(events, readStore, sender, { retryBaseMs: 60_000 });
    expect(await outbox.deliverDue(minutes(0))).toEqual({ sent: 0, failed: 1, skipped: 0 });
    await project();
    expect(await doc()).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: new Date(minutes(1)).toISOString(),
      lastError: '421 service not available',
    });
    expect(await outbox.deliverDue(minutes(0.5))).toEqual({ sent: 0, failed: 0, skipped: 0 });
    await outbox.deliverDue(minutes(1));
    await project();
    await outbox.deliverDue(minutes(3));
    await project();
    expect(await doc()).toMatchObject({ attempts: 3, nextAttemptAt: new Date(minutes(7)).toISOString() });
    expect(await outbox.deliverDue(minutes(7))).toEqual({ sent: 1, failed: 0, skipped: 0 });
    await project();
    expect(await doc()).toMatchObject({ status: 'sent', attempts: 4, nextAttemptAt: null });
    expect(sender.accepted.map((m) => [m.to, m.subject])).toEqual([
      ['Ann Example <ann@acme.example>', expect.stringMatching(/^\[t-1\] We have logged your request/)],
    ]);
    // Sent is final: later passes send nothing, even from a read model that has not caught up.
    expect(await outbox.deliverDue(minutes(60))).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect((await delivery()).map((e) => e.type)).toEqual([
      'NotificationDeliveryFailed',
      'NotificationDeliveryFailed',
      'NotificationDeliveryFailed',
      'NotificationSent',
    ]);
  });

  it('gives up after the last attempt and says so; skips what has become old news', async () => {
    const sender = new FlakySender(99);
    const outbox = new NotificationOutbox(events, readStore, sender, { retryBaseMs: 1_000, maxAttempts: 2 });
    await outbox.deliverDue(minutes(0));
    await project();
    await outbox.deliverDue(minutes(1));
    await project();
    expect(await doc()).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: null });
    expect(await outbox.deliverDue(minutes(10))).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(sender.attempts).toBe(2);

    const late = new NotificationOutbox(events, readStore, new FlakySender(0), { maxAgeMs: 3_600_000 });
    // A fresh pending notification found only after the delivery window: recorded skipped, never sent.
    const tickets = new TicketCommands(events, new AgreementRepository(events), systemClock);
    await tickets.execute(
      't-2',
      {
        type: 'LogTicket',
        data: { ...ticketBody('agr'), description: '', ticketId: 't-2' } as LogTicket['data'],
      },
      { principal: agent, occurredAt: new Date(loggedAt) },
    );
    await project();
    expect(await late.deliverDue(minutes(61))).toEqual({ sent: 0, failed: 0, skipped: 1 });
    await project();
    const t2 = (await readStore.find<NotificationDoc>('notifications', { filter: { ticketId: 't-2' } }))[0];
    expect(t2).toMatchObject({
      status: 'skipped',
      lastError: expect.stringMatching(/older than the delivery window/),
    });
  });
});
