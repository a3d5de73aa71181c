import { BusinessCalendar, calendarProblems } from '../calendar/business-calendar';

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** States that may be agreed to stop the SLA clock. `logged` and `in_progress` always run it. */
export const PAUSABLE_STATES = ['awaiting_user'] as const;
export type PausableState = (typeof PAUSABLE_STATES)[number];

export interface PriorityTargets {
  /** Business minutes from logging to the first acknowledgement. */
  readonly responseMinutes: number;
  /** Business minutes the clock may run until the final resolution. */
  readonly resolutionMinutes: number;
}

export type RateCardEntry =
  | { readonly pricing: 'fixed'; readonly feeMinor: number }
  | {
      readonly pricing: 'hourly';
      /** Price of one hour of effort, in minor units of the currency. */
      readonly hourlyRateMinor: number;
      /** Logged effort is rounded up to a multiple of this many minutes before pricing. */
      readonly incrementMinutes: number;
    };

export interface RateCard {
  /** ISO 4217 code, e.g. "EUR". */
  readonly currency: string;
  readonly categories: Readonly<Record<string, RateCardEntry>>;
}

/** Everything one published version of an SLA agreement promises. */
export interface AgreementTerms {
  readonly calendar: BusinessCalendar;
  readonly targets: Readonly<Record<Priority, PriorityTargets>>;
  readonly pausingStates: readonly PausableState[];
  /** A resolved ticket nobody answers is closed at the end of this many business days. */
  readonly autoCloseAfterBusinessDays: number;
  readonly followUp: {
    readonly reminderAfterBusinessDays: number;
    readonly managerContactAfterBusinessDays: number;
  };
  /** An open ticket must get a customer update at least this often, in business minutes. */
  readonly customerUpdateIntervalMinutes: Readonly<Record<Priority, number>>;
  readonly rateCard: RateCard;
}

const isWholeAtLeast = (value: unknown, min: number): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

/** Every reason the terms cannot be published; empty when they can. */
export function agreementTermsProblems(terms: AgreementTerms): string[] {
  const problems = calendarProblems(terms.calendar).map((problem) => `calendar: ${problem}`);
  for (const priority of PRIORITIES) {
    const target = terms.targets[priority];
    if (
      !target ||
      !isWholeAtLeast(target.responseMinutes, 1) ||
      !isWholeAtLeast(target.resolutionMinutes, 1)
    ) {
      problems.push(
        `targets.${priority}: response and resolution minutes must be whole numbers of at least 1`,
      );
    }
    if (!isWholeAtLeast(terms.customerUpdateIntervalMinutes[priority], 1)) {
      problems.push(`customerUpdateIntervalMinutes.${priority} must be a whole number of at least 1`);
    }
  }
  for (const state of terms.pausingStates) {
    if (!(PAUSABLE_STATES as readonly string[]).includes(state)) {
      problems.push(
        `pausingStates: "${state}" cannot pause the clock (allowed: ${PAUSABLE_STATES.join(', ')})`,
      );
    }
  }
  if (!isWholeAtLeast(terms.autoCloseAfterBusinessDays, 1)) {
    problems.push('autoCloseAfterBusinessDays must be a whole number of at least 1');
  }
  const { reminderAfterBusinessDays, managerContactAfterBusinessDays } = terms.followUp;
  if (!isWholeAtLeast(reminderAfterBusinessDays, 1) || !isWholeAtLeast(managerContactAfterBusinessDays, 1)) {
    problems.push('followUp days must be whole numbers of at least 1');
  } else if (managerContactAfterBusinessDays <= reminderAfterBusinessDays) {
    problems.push('followUp.managerContactAfterBusinessDays must be after reminderAfterBusinessDays');
  }
  if (!/^[A-Z]{3}$/.test(terms.rateCard.currency)) {
    problems.push(`rateCard.currency "${terms.rateCard.currency}" is not an ISO 4217 code`);
  }
  for (const [category, entry] of Object.entries(terms.rateCard.categories)) {
    const valid =
      entry.pricing === 'fixed'
        ? isWholeAtLeast(entry.feeMinor, 0)
        : entry.pricing === 'hourly' &&
          isWholeAtLeast(entry.hourlyRateMinor, 0) &&
          isWholeAtLeast(entry.incrementMinutes, 1);
    if (!valid) {
      problems.push(
        `rateCard.categories.${category}: a fixed fee needs feeMinor >= 0; hourly needs hourlyRateMinor >= 0 and incrementMinutes >= 1 (whole numbers)`,
      );
    }
  }
  return problems;
}
