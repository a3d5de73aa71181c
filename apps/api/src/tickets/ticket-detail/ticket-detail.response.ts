import { TicketView } from '@app/application';
import { SlaClock } from '@app/domain';
import { SlaSummaryResponse } from '../list-tickets/ticket-list.response';
import { TicketDetailResponse } from './ticket-detail.schema';

const wholeMinutes = (ms: number) => Math.floor(ms / 60_000);

/** The SLA clock in whole business minutes (rounded down); verdicts are taken on exact milliseconds. */
export function slaResponse(sla: SlaClock): SlaSummaryResponse {
  return {
    asOf: sla.asOf,
    clock: sla.clock,
    elapsedBusinessMinutes: wholeMinutes(sla.runningMs),
    pausedBusinessMinutes: wholeMinutes(sla.pausedMs),
    responseBusinessMinutes: sla.responseMs === null ? null : wholeMinutes(sla.responseMs),
    responseTargetMinutes: wholeMinutes(sla.responseTargetMs),
    responseBreached: sla.responseBreached,
    resolutionTargetMinutes: wholeMinutes(sla.resolutionTargetMs),
    remainingBusinessMinutes: wholeMinutes(sla.remainingMs),
    resolvedAt: sla.resolvedAt,
    breached: sla.breached,
    breachedOpen: sla.breachedOpen,
    dueAt: sla.dueAt,
    missedCustomerUpdates: sla.missedCustomerUpdates,
  };
}

export function ticketDetailResponse(view: TicketView): TicketDetailResponse {
  const { ticket } = view;
  return {
    ticketId: ticket.ticketId,
    kind: ticket.kind,
    loggedKind: ticket.loggedKind,
    status: ticket.status,
    closure: ticket.closure,
    customerId: ticket.customerId,
    service: ticket.service,
    priority: ticket.priority,
    channel: ticket.channel,
    requester: ticket.requester,
    summary: ticket.summary,
    assigneeId: ticket.assigneeId,
    loggedAt: ticket.loggedAt,
    acknowledgedAt: ticket.acknowledgedAt,
    resolvedAt: ticket.resolvedAt,
    closedAt: ticket.closedAt,
    reopenCount: ticket.reopenCount,
    userError: ticket.userError,
    effortMinutes: ticket.effortMinutes,
    chargeWaiver: ticket.chargeWaiver,
    // What the automation did: follow-ups of the current wait for the user, escalations made.
    followUp: ticket.followUp ?? null,
    escalations: [...(ticket.escalations ?? [])],
    agreement: { agreementId: ticket.agreementId, version: ticket.agreementVersion },
    sla: slaResponse(view.sla),
    charge: view.charge,
    streamRevision: view.streamRevision,
    globalPosition: view.globalPosition.toString(),
  };
}
