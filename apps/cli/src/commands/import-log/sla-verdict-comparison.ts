import { Priority } from '@app/domain';

/** What we know of one imported ticket, to compare our SLA verdict with the source's. */
export interface VerdictInput {
  readonly ticketId: string;
  readonly priority: Priority;
  /** Our verdict: null while the ticket is not finally resolved. */
  readonly breached: boolean | null;
  readonly resolutionMs: number | null;
  readonly resolutionTargetMs: number;
  readonly pausedMs: number;
  readonly reopenCount: number;
  readonly priorityChanged: boolean;
  /** The source's verdict on its last snapshot (made_sla): true = met. */
  readonly sourceMadeSla: boolean;
}

/** Why two verdicts may differ, checked in this order; the first that applies is counted. */
export const DIFFERENCE_REASONS = {
  paused: 'the clock was paused while awaiting the user (our agreement pauses; the source SLA may not)',
  reopened: 'reopened after a resolution (we measure to the final resolution)',
  priority_changed: 'the priority changed (we measure against the priority at resolution)',
  near_target: 'resolution time within 10% of our target (the targets differ)',
  other: 'other (the source SLA definitions are not in the log)',
} as const;
export type DifferenceReason = keyof typeof DIFFERENCE_REASONS;

export interface VerdictComparison {
  readonly compared: number;
  readonly agreed: number;
  readonly agreementPercent: number | null;
  /** Finally resolved by us, yet the source says otherwise, and the other way round. */
  readonly weBreachedSourceMet: number;
  readonly weMetSourceBreached: number;
  readonly notResolved: number;
  readonly byPriority: Readonly<Record<string, { compared: number; agreed: number }>>;
  readonly differencesByReason: Readonly<Record<DifferenceReason, number>>;
}

function reasonOf(input: VerdictInput): DifferenceReason {
  if (input.pausedMs > 0) return 'paused';
  if (input.reopenCount > 0) return 'reopened';
  if (input.priorityChanged) return 'priority_changed';
  if (
    input.resolutionMs !== null &&
    Math.abs(input.resolutionMs - input.resolutionTargetMs) <= input.resolutionTargetMs * 0.1
  )
    return 'near_target';
  return 'other';
}

/** Our breach verdict against the source's, per ticket finally resolved; open tickets are counted apart. */
export function compareVerdicts(inputs: readonly VerdictInput[]): VerdictComparison {
  let compared = 0;
  let agreed = 0;
  let weBreachedSourceMet = 0;
  let weMetSourceBreached = 0;
  let notResolved = 0;
  const byPriority: Record<string, { compared: number; agreed: number }> = {};
  const differencesByReason = Object.fromEntries(
    Object.keys(DIFFERENCE_REASONS).map((reason) => [reason, 0]),
  ) as Record<DifferenceReason, number>;
  for (const input of inputs) {
    if (input.breached === null) {
      notResolved++;
      continue;
    }
    compared++;
    const bucket = (byPriority[input.priority] ??= { compared: 0, agreed: 0 });
    bucket.compared++;
    if (input.breached === !input.sourceMadeSla) {
      agreed++;
      bucket.agreed++;
      continue;
    }
    if (input.breached) weBreachedSourceMet++;
    else weMetSourceBreached++;
    differencesByReason[reasonOf(input)]++;
  }
  return {
    compared,
    agreed,
    agreementPercent: compared > 0 ? Math.round((agreed / compared) * 1000) / 10 : null,
    weBreachedSourceMet,
    weMetSourceBreached,
    notResolved,
    byPriority,
    differencesByReason,
  };
}
