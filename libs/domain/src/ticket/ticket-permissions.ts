import { TicketCommand, TicketCommandType } from './ticket-commands';
import { ExistingTicket } from './ticket';

export const ROLES = ['agent', 'requester', 'auditor', 'reporting', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** Who acts: recorded on every event, and checked before every command. */
export interface Principal {
  readonly id: string;
  readonly role: Role;
  /** Customer ids this principal may see and act for; "*" means every customer. */
  readonly customers: readonly string[];
}

export type Permission = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const ALLOWED = { allowed: true } as const;
const deny = (reason: string): Permission => ({ allowed: false, reason });

const STAFF: readonly Role[] = ['agent', 'admin'];
/** Which roles may issue each command; requesters are further limited to their own tickets. */
const ROLES_BY_COMMAND: Readonly<Record<TicketCommandType, readonly Role[]>> = {
  LogTicket: [...STAFF, 'requester'],
  AcknowledgeTicket: STAFF,
  AssignTicket: STAFF,
  ChangePriority: STAFF,
  RecordCustomerUpdate: STAFF,
  RequestUserInfo: STAFF,
  RecordUserResponse: [...STAFF, 'requester'],
  ReclassifyAsUserError: STAFF,
  RevokeUserErrorReclassification: STAFF,
  LogEffort: STAFF,
  ResolveTicket: STAFF,
  ConfirmResolution: [...STAFF, 'requester'],
  RejectResolution: [...STAFF, 'requester'],
  AutoCloseTicket: ['system', 'admin'],
  CloseUnresolved: STAFF,
  WaiveCharge: STAFF,
  RevokeChargeWaiver: STAFF,
  CorrectEffort: STAFF,
  CorrectUserErrorCategory: STAFF,
  SendUserReminder: ['system', 'admin'],
  ContactUserManager: ['system', 'admin'],
  RecordMissedCustomerUpdate: ['system', 'admin'],
  EscalateTicket: ['system', 'admin'],
};

export function canSeeCustomer(principal: Principal, customerId: string): boolean {
  return principal.customers.includes('*') || principal.customers.includes(customerId);
}

/** Whether a principal may see a ticket at all (every read goes through this). */
export function canReadTicket(principal: Principal, ticket: ExistingTicket): Permission {
  if (!canSeeCustomer(principal, ticket.customerId)) {
    return deny(`${principal.id} may not see tickets of customer ${ticket.customerId}`);
  }
  return ALLOWED;
}

/** Whether a principal may issue a command; `ticket` is the current state, null for a new ticket. */
export function canIssue(
  principal: Principal,
  command: TicketCommand,
  ticket: ExistingTicket | null,
): Permission {
  if (!ROLES_BY_COMMAND[command.type].includes(principal.role)) {
    return deny(`the ${principal.role} role may not ${command.type}`);
  }
  const customerId = command.type === 'LogTicket' ? command.data.customerId : ticket?.customerId;
  if (customerId !== undefined && !canSeeCustomer(principal, customerId)) {
    return deny(`${principal.id} may not act for customer ${customerId}`);
  }
  if (principal.role === 'requester') {
    const requesterId = command.type === 'LogTicket' ? command.data.requester.id : ticket?.requester.id;
    if (requesterId !== principal.id) return deny('a requester may act only on their own tickets');
  }
  return ALLOWED;
}
