import { NOTIFYING_EVENT_TYPES } from './notifications-read-model';
import { PartitionedFold, localRowNumbers, streamBounds } from './partitioned-fold';
import { ReadModel } from './projection';
import { serviceDeskProjection } from './service-desk-projection';

describe('dividing the streams of a rebuild into ranges', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `ticket-${String(i).padStart(3, '0')}`);

  it('gives ranges of about as many sampled events each', () => {
    // A sample in any order: 100 streams with one event each.
    const sample = ids(100).reverse();
    expect(streamBounds(sample, 4)).toEqual(['ticket-025', 'ticket-050', 'ticket-075']);
    expect(streamBounds(sample, 1)).toEqual([]);
  });

  it('weighs a stream by its events in the sample', () => {
    // ticket-000 has as many events as the 9 others together.
    const sample = [...ids(10), ...Array<string>(8).fill('ticket-000')];
    expect(streamBounds(sample, 2)).toEqual(['ticket-001']);
  });

  it('cuts a bound at its first character that is not ASCII, and keeps them in order', () => {
    const bounds = streamBounds(['ticket-\u00e9t\u00e9', 'ticket-z', 'ticket-\u00e9', 'ticket-a'], 4);
    expect(bounds).toEqual(['ticket-', 'ticket-', 'ticket-z']);
  });
});

describe('a partition of a rebuild', () => {
  const options = { capacity: 10, rows: localRowNumbers() };

  it('needs one ascending ASCII bound fewer than it has partitions', () => {
    const fold = (streamBounds: string[]) =>
      new PartitionedFold(serviceDeskProjection, { ...options, partitions: 3, owned: [0], streamBounds });
    expect(() => fold(['ticket-5'])).toThrow(/3 partitions need 2 ascending ASCII stream bounds/);
    expect(() => fold(['ticket-8', 'ticket-5'])).toThrow(/ascending/);
    expect(() => fold(['ticket-5', 'ticket-\u00e9'])).toThrow(/ASCII/);
    expect(() => fold(['ticket-5', 'ticket-8'])).not.toThrow();
  });

  it('refuses a read model with a document per stream that also applies other streams', () => {
    const [, tickets] = serviceDeskProjection.readModels;
    const mixed: ReadModel = { ...tickets, alsoApplies: { streamPrefix: 'agreement-', eventTypes: ['X'] } };
    expect(
      () =>
        new PartitionedFold(
          { name: 'mixed.v1', readModels: [mixed] },
          { ...options, partitions: 1, owned: [0], streamBounds: [] },
        ),
    ).toThrow(/a document per stream applies no other stream's events/);
  });

  it("selects its own ticket streams whole, every agreement event, and asks about the outbox's events", () => {
    const fold = new PartitionedFold(serviceDeskProjection, {
      ...options,
      partitions: 3,
      owned: [1, 2],
      streamBounds: ['ticket-4', 'ticket-8'],
    });
    expect(fold.clauses()).toEqual([
      { fromStream: 'agreement-', toStream: 'agreement.', ask: false },
      // Partitions 1 and 2: one range.
      { fromStream: 'ticket-4', toStream: 'ticket.' },
      { fromStream: 'notification-', toStream: 'notification.', ask: true },
      { fromStream: 'ticket-', toStream: 'ticket.', types: NOTIFYING_EVENT_TYPES, ask: true },
    ]);
    // Only the ticket streams of partition 0 are left to the other fold; the outbox's events it is asked about.
    const first = new PartitionedFold(serviceDeskProjection, {
      ...options,
      partitions: 3,
      owned: [0],
      streamBounds: ['ticket-4', 'ticket-8'],
    });
    expect(first.clauses()[1]).toEqual({ fromStream: 'ticket-', toStream: 'ticket-4' });
    const apart = new PartitionedFold(serviceDeskProjection, {
      ...options,
      partitions: 3,
      owned: [0, 2],
      streamBounds: ['ticket-4', 'ticket-8'],
    });
    expect(apart.clauses().slice(1, 3)).toEqual([
      { fromStream: 'ticket-', toStream: 'ticket-4' },
      { fromStream: 'ticket-8', toStream: 'ticket.' },
    ]);
    expect(first.wants({ id: 'e1', streamId: 'ticket-3a', type: 'TicketResolved' })).toBe(true);
    expect(first.wants({ id: 'e2', streamId: 'ticket-4', type: 'TicketResolved' })).toBe(false);
    expect(fold.wants({ id: 'e2', streamId: 'ticket-4', type: 'TicketResolved' })).toBe(true);
  });
});
