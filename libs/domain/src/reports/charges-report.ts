import { UserErrorCharge } from '../charges/user-error-charge';

export interface ChargeLine extends UserErrorCharge {
  readonly service: string;
  readonly summary: string;
  readonly closedAt: string;
}

export interface CurrencyTotal {
  readonly currency: string;
  readonly lines: number;
  readonly amountMinor: number;
  readonly waivedMinor: number;
  readonly chargedMinor: number;
}

export interface ChargesReport {
  readonly lines: readonly ChargeLine[];
  readonly totals: readonly CurrencyTotal[];
}

/** Invoice-ready: one line per user-error ticket closed in the month, and totals per currency. */
export function chargesReportOf(lines: readonly ChargeLine[]): ChargesReport {
  const sorted = [...lines].sort(
    (a, b) => a.closedAt.localeCompare(b.closedAt) || a.ticketId.localeCompare(b.ticketId),
  );
  const totals = new Map<string, CurrencyTotal>();
  for (const line of sorted) {
    const total = totals.get(line.currency) ?? {
      currency: line.currency,
      lines: 0,
      amountMinor: 0,
      waivedMinor: 0,
      chargedMinor: 0,
    };
    totals.set(line.currency, {
      currency: line.currency,
      lines: total.lines + 1,
      amountMinor: total.amountMinor + line.amountMinor,
      waivedMinor: total.waivedMinor + (line.waived ? line.amountMinor : 0),
      chargedMinor: total.chargedMinor + line.chargedMinor,
    });
  }
  return { lines: sorted, totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)) };
}
