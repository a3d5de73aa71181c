import { randomUUID } from 'node:crypto';

/** The id's first three groups for the last millisecond asked: every event of a batch shares it. */
let prefixMs = -1;
let prefix = '';

/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits.
 * New ids land at the right edge of the event-id index instead of at random pages, which keeps
 * appends fast as the store grows (random v4 ids halved batch-append throughput here).
 */
export function uuidV7(nowMs: number): string {
  if (nowMs !== prefixMs) {
    const time = nowMs.toString(16).padStart(12, '0');
    prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    prefixMs = nowMs;
  }
  // A v4 UUID's random bits after its version digit, with its variant bits (10xx) where v7 has them.
  return prefix + randomUUID().slice(15);
}
