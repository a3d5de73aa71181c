import { Priority } from '../agreement/agreement-terms';
import { Channel, LoggableKind, Requester } from './ticket-events';

type Command<Type extends string, Data> = { readonly type: Type; readonly data: Readonly<Data> };

export type LogTicket = Command<
  'LogTicket',
  {
    ticketId: string;
    kind: LoggableKind;
    customerId: string;
    service: string;
    priority: Priority;
    channel: Channel;
    requester: Requester;
    summary: string;
    description: string;
    agreementId: string;
  }
>;
export type AcknowledgeTicket = Command<'AcknowledgeTicket', { assigneeId: string | null }>;
export type AssignTicket = Command<'AssignTicket', { assigneeId: string }>;
export type ChangePriority = Command<'ChangePriority', { priority: Priority; reason: string }>;
export type RecordCustomerUpdate = Command<'RecordCustomerUpdate', { channel: Channel; message: string }>;
export type RequestUserInfo = Command<'RequestUserInfo', { question: string }>;
export type RecordUserResponse = Command<'RecordUserResponse', { response: string }>;
export type ReclassifyAsUserError = Command<'ReclassifyAsUserError', { category: string; reason: string }>;
export type RevokeUserErrorReclassification = Command<'RevokeUserErrorReclassification', { reason: string }>;
export type LogEffort = Command<'LogEffort', { minutes: number; note: string }>;
export type ResolveTicket = Command<'ResolveTicket', { resolutionCode: string; notes: string }>;
export type ConfirmResolution = Command<'ConfirmResolution', { comment: string }>;
export type RejectResolution = Command<'RejectResolution', { reason: string }>;
export type AutoCloseTicket = Command<'AutoCloseTicket', Record<string, never>>;
export type CloseUnresolved = Command<'CloseUnresolved', { problemReference: string; reason: string }>;
export type WaiveCharge = Command<'WaiveCharge', { reason: string; approverId: string }>;
export type RevokeChargeWaiver = Command<'RevokeChargeWaiver', { reason: string }>;
export type CorrectEffort = Command<'CorrectEffort', { totalMinutes: number; reason: string }>;
export type CorrectUserErrorCategory = Command<
  'CorrectUserErrorCategory',
  { category: string; reason: string }
>;

/** Automation (the process manager, as `system`): follow-ups, missed updates and escalations. */
export type SendUserReminder = Command<'SendUserReminder', Record<string, never>>;
export type ContactUserManager = Command<'ContactUserManager', Record<string, never>>;
export type RecordMissedCustomerUpdate = Command<
  'RecordMissedCustomerUpdate',
  { occurrence: number; dueAt: string }
>;
export type EscalationTarget = 'response' | 'resolution';
export type EscalationLevel = 'warning' | 'breach';
export type EscalateTicket = Command<
  'EscalateTicket',
  { target: EscalationTarget; level: EscalationLevel; thresholdAt: string }
>;

export type AutomationCommand =
  SendUserReminder | ContactUserManager | RecordMissedCustomerUpdate | EscalateTicket;
export const AUTOMATION_COMMAND_TYPES = [
  'SendUserReminder',
  'ContactUserManager',
  'RecordMissedCustomerUpdate',
  'EscalateTicket',
] as const satisfies readonly AutomationCommand['type'][];

export type TicketCommand =
  | LogTicket
  | AcknowledgeTicket
  | AssignTicket
  | ChangePriority
  | RecordCustomerUpdate
  | RequestUserInfo
  | RecordUserResponse
  | ReclassifyAsUserError
  | RevokeUserErrorReclassification
  | LogEffort
  | ResolveTicket
  | ConfirmResolution
  | RejectResolution
  | AutoCloseTicket
  | CloseUnresolved
  | WaiveCharge
  | RevokeChargeWaiver
  | CorrectEffort
  | CorrectUserErrorCategory
  | AutomationCommand;

export type TicketCommandType = TicketCommand['type'];
