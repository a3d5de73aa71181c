import { RateCard } from '../agreement/agreement-terms';
import { DomainError } from '../shared/domain-error';
import { ExistingTicket } from '../ticket/ticket';

/** What a customer owes for support on one user-error ticket, per the rate card of its agreement version. */
export interface UserErrorCharge {
  readonly ticketId: string;
  readonly category: string;
  readonly currency: string;
  readonly pricing: 'fixed' | 'hourly';
  /** Fixed fee, or hourly rate, in minor units. */
  readonly unitPriceMinor: number;
  /** For hourly pricing: logged effort rounded up to the agreed increment; 0 for a fixed fee. */
  readonly billedMinutes: number;
  readonly loggedEffortMinutes: number;
  /** The price before any waiver, in minor units. */
  readonly amountMinor: number;
  readonly waived: boolean;
  readonly waiver: { readonly reason: string; readonly approverId: string } | null;
  /** What is invoiced: 0 when waived. */
  readonly chargedMinor: number;
}

/**
 * The charge of a user-error ticket, or null for any other kind.
 * Hourly: effort is rounded up to a multiple of the increment, then priced as rate x minutes / 60,
 * rounded half up to a whole minor unit.
 */
export function userErrorChargeOf(ticket: ExistingTicket, rateCard: RateCard): UserErrorCharge | null {
  if (ticket.kind !== 'user_error' || ticket.userError === null) return null;
  const entry = rateCard.categories[ticket.userError.category];
  if (!entry) {
    throw new DomainError(
      'unknown_rate_card_category',
      `ticket ${ticket.ticketId}: category "${ticket.userError.category}" is not in its rate card`,
    );
  }
  let amountMinor: number;
  let billedMinutes = 0;
  let unitPriceMinor: number;
  if (entry.pricing === 'fixed') {
    unitPriceMinor = entry.feeMinor;
    amountMinor = entry.feeMinor;
  } else {
    unitPriceMinor = entry.hourlyRateMinor;
    billedMinutes = Math.ceil(ticket.effortMinutes / entry.incrementMinutes) * entry.incrementMinutes;
    amountMinor = Math.floor((entry.hourlyRateMinor * billedMinutes + 30) / 60);
  }
  const waived = ticket.chargeWaiver !== null;
  return {
    ticketId: ticket.ticketId,
    category: ticket.userError.category,
    currency: rateCard.currency,
    pricing: entry.pricing,
    unitPriceMinor,
    billedMinutes,
    loggedEffortMinutes: ticket.effortMinutes,
    amountMinor,
    waived,
    waiver: ticket.chargeWaiver,
    chargedMinor: waived ? 0 : amountMinor,
  };
}
