/**
 * Wall-clock <-> instant conversion for IANA time zones, using only the runtime's Intl data.
 * Instants are epoch milliseconds (UTC). A "civil date" is a calendar date with no zone.
 */

export interface CivilDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const OFFSET_CACHE_LIMIT = 200_000;

/** Per zone: offsets by minute since the epoch (offsets change only on whole minutes in every real rule). */
const minuteOffsets = new Map<string, Map<number, number>>();
/** Per zone: the offset of each UTC day with no transition in it (null for a day with one). */
const dayOffsets = new Map<string, Map<number, number | null>>();

function cacheOf<V>(caches: Map<string, Map<number, V>>, timeZone: string): Map<number, V> {
  let cache = caches.get(timeZone);
  if (!cache) {
    cache = new Map();
    caches.set(timeZone, cache);
  }
  if (cache.size >= OFFSET_CACHE_LIMIT) cache.clear();
  return cache;
}

function computeOffsetMs(timeZone: string, instantMs: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instantMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);
  const localAsUtc = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return localAsUtc - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

function minuteOffsetMs(timeZone: string, instantMs: number): number {
  const cache = cacheOf(minuteOffsets, timeZone);
  const minute = Math.floor(instantMs / MS_PER_MINUTE);
  let offset = cache.get(minute);
  if (offset === undefined) {
    offset = computeOffsetMs(timeZone, minute * MS_PER_MINUTE);
    cache.set(minute, offset);
  }
  return offset;
}

/** Offset of the zone from UTC at an instant, in milliseconds (local = utc + offset). */
export function zoneOffsetMs(timeZone: string, instantMs: number): number {
  // Most days have no transition: one cached answer serves the whole day.
  const cache = cacheOf(dayOffsets, timeZone);
  const day = Math.floor(instantMs / MS_PER_DAY);
  let offset = cache.get(day);
  if (offset === undefined) {
    const start = minuteOffsetMs(timeZone, day * MS_PER_DAY);
    const end = minuteOffsetMs(timeZone, (day + 1) * MS_PER_DAY - MS_PER_MINUTE);
    offset = start === end ? start : null;
    cache.set(day, offset);
  }
  return offset ?? minuteOffsetMs(timeZone, instantMs);
}

/** The local civil date of an instant in a zone. */
export function civilDateAt(timeZone: string, instantMs: number): CivilDate {
  const local = new Date(instantMs + zoneOffsetMs(timeZone, instantMs));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** 1 = Monday .. 7 = Sunday (ISO 8601). */
export function isoWeekday(date: CivilDate): number {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

export function formatCivilDate(date: CivilDate): string {
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

export function compareCivilDates(a: CivilDate, b: CivilDate): number {
  return Date.UTC(a.year, a.month - 1, a.day) - Date.UTC(b.year, b.month - 1, b.day);
}

/** Days since 1970-01-01 of the local date of an instant: a cheap integer form of civilDateAt. */
export function epochDayAt(timeZone: string, instantMs: number): number {
  return Math.floor((instantMs + zoneOffsetMs(timeZone, instantMs)) / MS_PER_DAY);
}

/** 1 = Monday .. 7 = Sunday of an epoch day (1970-01-01 was a Thursday). */
export function isoWeekdayOfEpochDay(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function epochDayOf(date: CivilDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / MS_PER_DAY;
}

/**
 * The instant at which the wall clock of the zone shows `minuteOfDay` minutes past midnight of `date`
 * (minuteOfDay may be 1440 or more: it then falls on a following day).
 *
 * Disambiguation follows Temporal's "compatible" rule: a wall time that occurs twice (clocks set back)
 * maps to the earlier instant; a wall time that does not exist (clocks set forward) is moved forward
 * by the length of the gap.
 */
export function instantOfWallTime(timeZone: string, date: CivilDate, minuteOfDay: number): number {
  return instantOfWallTimeOnDay(timeZone, epochDayOf(date), minuteOfDay);
}

/** instantOfWallTime for an epoch day. */
export function instantOfWallTimeOnDay(timeZone: string, epochDay: number, minuteOfDay: number): number {
  const wallAsUtc = epochDay * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
  const offsetBefore = zoneOffsetMs(timeZone, wallAsUtc - MS_PER_DAY);
  const offsetAfter = zoneOffsetMs(timeZone, wallAsUtc + MS_PER_DAY);
  const candidates = [offsetBefore, offsetAfter]
    .map((offset) => wallAsUtc - offset)
    .filter((instant) => instant + zoneOffsetMs(timeZone, instant) === wallAsUtc)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0];
  // In a gap: read the wall time with the offset in force before the transition.
  return wallAsUtc - offsetBefore;
}
