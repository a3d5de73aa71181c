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
  | CorrectUserErrorCategory;

export type TicketCommandType = TicketCommand['type'];
