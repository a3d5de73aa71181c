import { AGREEMENT_STREAM_PREFIX, TICKET_STREAM_PREFIX, deterministicId } from '@app/application';
import {
  AgreementEvent,
  AgreementState,
  AgreementTerms,
  DomainError,
  PRIORITIES,
  TicketCommand,
  TicketEvent,
  TicketState,
  decideAgreement,
  decideTicket,
  evolveAgreement,
  evolveTicket,
  initialAgreementState,
  initialTicketState,
} from '@app/domain';
import { EventStore, NewEvent } from '@app/event-store';

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same history. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HistoryOptions {
  readonly tickets: number;
  readonly customers: number;
  readonly seed: number;
  /** Tickets are logged between these instants. */
  readonly from: string;
  readonly to: string;
  readonly terms: AgreementTerms;
  readonly onProgress?: (tickets: number, events: number) => void;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Timed {
  readonly streamId: string;
  readonly at: number;
  readonly seq: number;
  readonly event: TicketEvent | AgreementEvent;
  readonly actor: { id: string; role: string };
}

/**
 * Generates a realistic service-desk history through the deciders (so every event is one the domain would
 * accept) and appends it in time order, interleaving tickets as a real desk would.
 */
export async function generateHistory(
  store: EventStore,
  options: HistoryOptions,
): Promise<{ events: number }> {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const fromMs = Date.parse(options.from);
  const toMs = Date.parse(options.to);
  let seq = 0;
  let appended = 0;
  const admin = { id: 'admin-1', role: 'admin' };
  const agent = () => ({ id: `agent-${1 + Math.floor(random() * 20)}`, role: 'agent' });

  // Agreements: one per customer, a second version with tighter targets halfway through.
  const agreements = new Map<string, AgreementState>();
  const agreementEvents: Timed[] = [];
  for (let c = 1; c <= options.customers; c++) {
    const agreementId = `agr-${c}`;
    let state = initialAgreementState;
    const commands = [
      {
        type: 'CreateAgreement' as const,
        data: {
          agreementId,
          customerId: `customer-${c}`,
          name: `Customer ${c}`,
          services: ['email', 'laptops', 'erp', 'network'],
        },
      },
      {
        type: 'PublishAgreementVersion' as const,
        data: { effectiveFrom: new Date(fromMs - 30 * DAY).toISOString(), terms: options.terms },
      },
      {
        type: 'PublishAgreementVersion' as const,
        data: {
          effectiveFrom: new Date((fromMs + toMs) / 2).toISOString(),
          terms: {
            ...options.terms,
            targets: {
              ...options.terms.targets,
              P2: { responseMinutes: 45, resolutionMinutes: 420 },
            },
          },
        },
      },
    ];
    for (const command of commands) {
      for (const event of decideAgreement(command, state)) {
        state = evolveAgreement(state, event);
        agreementEvents.push({
          streamId: `${AGREEMENT_STREAM_PREFIX}${agreementId}`,
          at: fromMs - 30 * DAY,
          seq: seq++,
          event,
          actor: admin,
        });
      }
    }
    agreements.set(agreementId, state);
  }
  await appendInOrder(store, agreementEvents);
  appended += agreementEvents.length;

  /** One ticket's whole life, decided command by command. */
  const ticketLife = (index: number, loggedAt: number): Timed[] => {
    const customer = 1 + Math.floor(random() * options.customers);
    const agreementId = `agr-${customer}`;
    const agreement = agreements.get(agreementId) as AgreementState;
    const ticketId = deterministicId('generated', String(options.seed), String(index));
    const streamId = `${TICKET_STREAM_PREFIX}${ticketId}`;
    const out: Timed[] = [];
    let state: TicketState = initialTicketState;
    let now = loggedAt;
    const run = (command: TicketCommand, actor = agent()) => {
      try {
        for (const event of decideTicket(command, state, { now, agreement })) {
          state = evolveTicket(state, { ...event, occurredAt: new Date(now).toISOString() });
          out.push({ streamId, at: now, seq: seq++, event, actor });
        }
        return true;
      } catch (error) {
        if (error instanceof DomainError) return false;
        throw error;
      }
    };
    const later = (minMinutes: number, maxMinutes: number) => {
      now += Math.round((minMinutes + random() * (maxMinutes - minMinutes)) * MINUTE);
    };
    const requester = {
      id: `req-${customer}-${Math.floor(random() * 500)}`,
      name: 'A. User',
      email: 'user@example.com',
      manager: { id: `mgr-${customer}`, name: 'M. Anager', email: 'manager@example.com' },
    };
    run(
      {
        type: 'LogTicket',
        data: {
          ticketId,
          kind: chance(0.12) ? 'service_request' : 'incident',
          customerId: `customer-${customer}`,
          service: pick(['email', 'laptops', 'erp', 'network']),
          priority: pick([...PRIORITIES, 'P3', 'P3', 'P4']),
          channel: pick(['email', 'phone', 'portal', 'chat', 'walk_in']),
          requester,
          summary: `Generated ticket ${index}`,
          description: '',
          agreementId,
        },
      },
      { id: requester.id, role: 'requester' },
    );
    later(2, 180);
    run({ type: 'AcknowledgeTicket', data: { assigneeId: agent().id } });
    if (chance(0.1)) {
      later(5, 60);
      run({ type: 'ChangePriority', data: { priority: pick(PRIORITIES), reason: 'reassessed' } });
    }
    if (chance(0.3)) {
      later(5, 60);
      run({ type: 'AssignTicket', data: { assigneeId: agent().id } });
    }
    for (let updates = Math.floor(random() * 3); updates > 0; updates--) {
      later(10, 240);
      run({ type: 'RecordCustomerUpdate', data: { channel: 'email', message: 'working on it' } });
    }
    if (chance(0.3)) {
      later(10, 120);
      run({ type: 'RequestUserInfo', data: { question: 'more details please' } });
      later(30, 3 * 24 * 60);
      run(
        { type: 'RecordUserResponse', data: { response: 'here they are' } },
        { id: requester.id, role: 'requester' },
      );
    }
    const userError = chance(0.1);
    if (userError) {
      later(5, 60);
      run({
        type: 'ReclassifyAsUserError',
        data: { category: pick(Object.keys(options.terms.rateCard.categories)), reason: 'user error' },
      });
      run({ type: 'LogEffort', data: { minutes: 5 + Math.floor(random() * 90), note: '' } });
    }
    if (chance(0.03)) {
      later(30, 600);
      run({ type: 'CloseUnresolved', data: { problemReference: `PRB-${index}`, reason: 'known error' } });
      return out;
    }
    later(20, 2 * 24 * 60);
    run({ type: 'ResolveTicket', data: { resolutionCode: 'fixed', notes: '' } });
    if (chance(0.1)) {
      later(60, 24 * 60);
      run(
        { type: 'RejectResolution', data: { reason: 'still broken' } },
        { id: requester.id, role: 'requester' },
      );
      later(30, 24 * 60);
      run({ type: 'ResolveTicket', data: { resolutionCode: 'fixed', notes: 'second try' } });
    }
    const ending = random();
    if (ending < 0.7) {
      later(30, 2 * 24 * 60);
      run({ type: 'ConfirmResolution', data: { comment: '' } }, { id: requester.id, role: 'requester' });
    } else if (ending < 0.95) {
      now += 8 * DAY;
      run({ type: 'AutoCloseTicket', data: {} }, { id: 'automation', role: 'system' });
    }
    if (userError && chance(0.2)) {
      later(60, 24 * 60);
      run({ type: 'WaiveCharge', data: { reason: 'goodwill', approverId: `mgr-${customer}` } });
    }
    return out;
  };

  // Tickets are logged in time order; events are appended once no ticket logged later can precede them.
  const spacing = (toMs - fromMs) / options.tickets;
  let pending: Timed[] = [];
  const horizonMs = 20 * DAY;
  let flushAt = 50_000;
  for (let index = 0; index < options.tickets; index++) {
    const loggedAt = Math.round(fromMs + index * spacing + random() * spacing);
    pending.push(...ticketLife(index, loggedAt));
    if (pending.length >= flushAt || index === options.tickets - 1) {
      const cutoff = index === options.tickets - 1 ? Infinity : loggedAt - horizonMs;
      const ready = pending.filter((t) => t.at < cutoff);
      pending = pending.filter((t) => t.at >= cutoff);
      // Events within the horizon stay pending: flush again once as many new ones have come.
      flushAt = pending.length + 50_000;
      await appendInOrder(store, ready);
      appended += ready.length;
      options.onProgress?.(index + 1, appended);
    }
  }
  await appendInOrder(store, pending);
  appended += pending.length;
  return { events: appended };
}

async function appendInOrder(store: EventStore, timed: Timed[]): Promise<void> {
  timed.sort((a, b) => a.at - b.at || a.seq - b.seq);
  const chunk = 2000;
  for (let i = 0; i < timed.length; i += chunk) {
    // Issued together, the appends of a chunk share one transaction (group commit).
    await Promise.all(
      timed.slice(i, i + chunk).map(({ streamId, at, event, actor }) => {
        const newEvent: NewEvent = {
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
          metadata: {
            actor,
            correlationId: streamId,
            causationId: null,
            commandId: null,
            occurredAt: new Date(at).toISOString(),
          },
        };
        return store.appendToStream(streamId, [newEvent]);
      }),
    );
  }
}
