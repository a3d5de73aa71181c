import { DomainError } from '../shared/domain-error';
import { epochDayAt, instantOfWallTimeOnDay, isValidTimeZone, isoWeekdayOfEpochDay } from './time-zone';

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A shift of working hours on a weekday, as local wall times "HH:MM".
 * When `to` is not after `from` the shift runs past midnight into the next day ("22:00" to "06:00").
 * `to` may be "24:00" for the end of the day.
 */
export interface WorkingShift {
  readonly from: string;
  readonly to: string;
}

export interface BusinessCalendar {
  /** IANA time zone name, e.g. "Europe/Amsterdam". */
  readonly timeZone: string;
  readonly workingHours: Readonly<Partial<Record<Weekday, readonly WorkingShift[]>>>;
  /** Local dates "YYYY-MM-DD" on which no shift starts. */
  readonly holidays: readonly string[];
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
/** No calendar this product accepts has a gap between shifts longer than this. */
const MAX_SEARCH_DAYS = 366 * 3;

interface ShiftMinutes {
  readonly startMinute: number;
  readonly endMinute: number; // may exceed 1440 when the shift runs past midnight
}

function parseWallTime(value: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes > MINUTES_PER_DAY ? null : minutes;
}

function shiftMinutes(shift: WorkingShift): ShiftMinutes {
  const startMinute = parseWallTime(shift.from);
  const to = parseWallTime(shift.to);
  if (startMinute === null || to === null || startMinute === MINUTES_PER_DAY) {
    throw new DomainError(
      'invalid_calendar',
      `working shift ${shift.from}-${shift.to} is not "HH:MM"-"HH:MM"`,
    );
  }
  return { startMinute, endMinute: to > startMinute ? to : to + MINUTES_PER_DAY };
}

/** Problems with a calendar, as human-readable reasons; empty when the calendar is usable. */
export function calendarProblems(calendar: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!isValidTimeZone(calendar.timeZone)) problems.push(`unknown IANA time zone "${calendar.timeZone}"`);
  const weeklyRanges: Array<[number, number, string]> = [];
  for (const [weekday, shifts] of Object.entries(calendar.workingHours)) {
    const dayIndex = WEEKDAYS.indexOf(weekday as Weekday);
    if (dayIndex < 0) {
      problems.push(`unknown weekday "${weekday}"`);
      continue;
    }
    for (const shift of shifts ?? []) {
      try {
        const { startMinute, endMinute } = shiftMinutes(shift);
        const offset = dayIndex * MINUTES_PER_DAY;
        weeklyRanges.push([offset + startMinute, offset + endMinute, `${weekday} ${shift.from}-${shift.to}`]);
      } catch (error) {
        problems.push(error instanceof DomainError ? error.reason : String(error));
      }
    }
  }
  if (weeklyRanges.length === 0 && problems.length === 0) problems.push('the calendar has no working hours');
  // Shifts must not overlap, also across midnight and from Sunday into Monday.
  const unrolled = weeklyRanges.flatMap(([start, end, label]) =>
    end > MINUTES_PER_WEEK
      ? [[start, MINUTES_PER_WEEK, label] as const, [0, end - MINUTES_PER_WEEK, label] as const]
      : [[start, end, label] as const],
  );
  unrolled.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < unrolled.length; i++) {
    if (unrolled[i][0] < unrolled[i - 1][1]) {
      problems.push(`working shifts ${unrolled[i - 1][2]} and ${unrolled[i][2]} overlap`);
    }
  }
  for (const holiday of calendar.holidays) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(holiday) || Number.isNaN(Date.parse(`${holiday}T00:00:00Z`))) {
      problems.push(`holiday "${holiday}" is not a date YYYY-MM-DD`);
    }
  }
  return problems;
}

/** A working interval [startMs, endMs) as real instants. */
interface WorkingInterval {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Compiled form of a calendar: shifts per ISO weekday and a holiday set, with memoised intervals per date.
 * Business time is real elapsed time inside working intervals, so a shift that contains a DST change
 * counts the hours actually worked (an 8-hour night shift is 7 or 9 hours long on those nights).
 */
class CompiledCalendar {
  private readonly shiftsByIsoWeekday: ShiftMinutes[][] = [[], [], [], [], [], [], [], []];
  /** Holidays as days since 1970-01-01. */
  private readonly holidays: ReadonlySet<number>;
  private readonly intervalsByDay = new Map<number, readonly WorkingInterval[]>();

  constructor(readonly calendar: BusinessCalendar) {
    const problems = calendarProblems(calendar);
    if (problems.length > 0) throw new DomainError('invalid_calendar', problems.join('; '));
    WEEKDAYS.forEach((weekday, index) => {
      this.shiftsByIsoWeekday[index + 1] = (calendar.workingHours[weekday] ?? [])
        .map(shiftMinutes)
        .sort((a, b) => a.startMinute - b.startMinute);
    });
    this.holidays = new Set(
      calendar.holidays.map((holiday) => Date.parse(`${holiday}T00:00:00Z`) / MS_PER_DAY),
    );
  }

  /** Working intervals of the shifts that start on a local date (an epoch day), in time order. */
  intervalsStartingOn(day: number): readonly WorkingInterval[] {
    let intervals = this.intervalsByDay.get(day);
    if (intervals) return intervals;
    intervals = this.holidays.has(day)
      ? []
      : this.shiftsByIsoWeekday[isoWeekdayOfEpochDay(day)]
          .map((shift) => ({
            startMs: instantOfWallTimeOnDay(this.calendar.timeZone, day, shift.startMinute),
            endMs: instantOfWallTimeOnDay(this.calendar.timeZone, day, shift.endMinute),
          }))
          .filter((interval) => interval.endMs > interval.startMs);
    if (this.intervalsByDay.size > 50_000) this.intervalsByDay.clear();
    this.intervalsByDay.set(day, intervals);
    return intervals;
  }

  /** The local day of an instant. */
  dayOf(instantMs: number): number {
    return epochDayAt(this.calendar.timeZone, instantMs);
  }
}

const compiledCalendars = new WeakMap<BusinessCalendar, CompiledCalendar>();

function compile(calendar: BusinessCalendar): CompiledCalendar {
  let compiled = compiledCalendars.get(calendar);
  if (!compiled) {
    compiled = new CompiledCalendar(calendar);
    compiledCalendars.set(calendar, compiled);
  }
  return compiled;
}

/**
 * Business milliseconds between two instants: the time inside working hours.
 * Exact and additive: between(a, b) + between(b, c) === between(a, c) for any a, b, c.
 * Negative when `toMs` is before `fromMs`.
 */
export function businessMillisecondsBetween(
  calendar: BusinessCalendar,
  fromMs: number,
  toMs: number,
): number {
  if (toMs < fromMs) return -businessMillisecondsBetween(calendar, toMs, fromMs);
  if (toMs === fromMs) return 0;
  const compiled = compile(calendar);
  const lastDay = compiled.dayOf(toMs);
  let total = 0;
  // From the day before: a shift that started then may still be running.
  for (let day = compiled.dayOf(fromMs) - 1; day <= lastDay; day++) {
    for (const interval of compiled.intervalsStartingOn(day)) {
      const overlap = Math.min(interval.endMs, toMs) - Math.max(interval.startMs, fromMs);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/** Business minutes between two instants (fractional when the instants are not on whole minutes). */
export function businessMinutesBetween(calendar: BusinessCalendar, fromMs: number, toMs: number): number {
  return businessMillisecondsBetween(calendar, fromMs, toMs) / MS_PER_MINUTE;
}

/**
 * The earliest instant at which `businessMs` business milliseconds have passed since `startMs`.
 * Inverse of businessMillisecondsBetween: between(t, addBusinessMilliseconds(t, d)) === d.
 */
export function addBusinessMilliseconds(
  calendar: BusinessCalendar,
  startMs: number,
  businessMs: number,
): number {
  if (businessMs < 0) throw new DomainError('invalid_duration', 'business time to add must not be negative');
  if (businessMs === 0) return startMs;
  const compiled = compile(calendar);
  let remaining = businessMs;
  let day = compiled.dayOf(startMs) - 1;
  for (let idleDays = 0; idleDays < MAX_SEARCH_DAYS; day++) {
    const intervals = compiled.intervalsStartingOn(day);
    idleDays = intervals.length > 0 ? 0 : idleDays + 1;
    for (const interval of intervals) {
      const from = Math.max(interval.startMs, startMs);
      const available = interval.endMs - from;
      if (available <= 0) continue;
      if (available >= remaining) return from + remaining;
      remaining -= available;
    }
  }
  throw new DomainError('invalid_calendar', 'the calendar has no working hours in the time searched');
}

export function addBusinessMinutes(
  calendar: BusinessCalendar,
  startMs: number,
  businessMinutes: number,
): number {
  return addBusinessMilliseconds(calendar, startMs, Math.round(businessMinutes * MS_PER_MINUTE));
}

/**
 * The end of working hours on the N-th business day after the local date of `startMs`
 * (the day of `startMs` itself does not count). A business day is a local date, not a holiday,
 * on which at least one shift starts. N = 0 gives the end of the last shift starting on that day,
 * or `startMs` when that day has none left.
 */
export function endOfNthBusinessDayAfter(
  calendar: BusinessCalendar,
  startMs: number,
  businessDays: number,
): number {
  if (!Number.isInteger(businessDays) || businessDays < 0) {
    throw new DomainError('invalid_duration', 'business days must be a whole number, 0 or more');
  }
  const compiled = compile(calendar);
  let day = compiled.dayOf(startMs);
  if (businessDays === 0) {
    const intervals = compiled.intervalsStartingOn(day);
    return Math.max(startMs, intervals.length ? intervals[intervals.length - 1].endMs : startMs);
  }
  let counted = 0;
  for (let idleDays = 0; idleDays < MAX_SEARCH_DAYS;) {
    day += 1;
    const intervals = compiled.intervalsStartingOn(day);
    idleDays = intervals.length > 0 ? 0 : idleDays + 1;
    if (intervals.length > 0 && ++counted === businessDays) return intervals[intervals.length - 1].endMs;
  }
  throw new DomainError('invalid_calendar', 'the calendar has no business days in the time searched');
}
