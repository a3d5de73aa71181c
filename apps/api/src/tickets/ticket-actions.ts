import { AutomationCommand, TicketCommand } from '@app/domain';
import { AcknowledgeTicketDto } from './acknowledge-ticket/acknowledge-ticket.dto';
import { AssignTicketDto } from './assign-ticket/assign-ticket.dto';
import { AutoCloseTicketDto } from './auto-close-ticket/auto-close-ticket.dto';
import { ChangePriorityDto } from './change-priority/change-priority.dto';
import { CloseUnresolvedDto } from './close-unresolved/close-unresolved.dto';
import { ConfirmResolutionDto } from './confirm-resolution/confirm-resolution.dto';
import { CorrectEffortDto } from './correct-effort/correct-effort.dto';
import { CorrectUserErrorCategoryDto } from './correct-user-error-category/correct-user-error-category.dto';
import { LogEffortDto } from './log-effort/log-effort.dto';
import { ReclassifyAsUserErrorDto } from './reclassify-as-user-error/reclassify-as-user-error.dto';
import { RecordCustomerUpdateDto } from './record-customer-update/record-customer-update.dto';
import { RecordUserResponseDto } from './record-user-response/record-user-response.dto';
import { RejectResolutionDto } from './reject-resolution/reject-resolution.dto';
import { RequestUserInfoDto } from './request-user-info/request-user-info.dto';
import { ResolveTicketDto } from './resolve-ticket/resolve-ticket.dto';
import { RevokeChargeWaiverDto } from './revoke-charge-waiver/revoke-charge-waiver.dto';
import { RevokeUserErrorReclassificationDto } from './revoke-user-error-reclassification/revoke-user-error-reclassification.dto';
import { WaiveChargeDto } from './waive-charge/waive-charge.dto';

/** The commands people send over HTTP; automation's commands are issued by the process manager only. */
export type ActionCommand = Exclude<TicketCommand, { type: 'LogTicket' } | AutomationCommand>;
type ActionType = ActionCommand['type'];
type DataOf<K extends ActionType> = Extract<ActionCommand, { type: K }>['data'];

interface ActionMapping<K extends ActionType, Dto> {
  readonly dto: new () => Dto;
  toData(dto: Dto): DataOf<K>;
}

function action<K extends ActionType, Dto>(
  dto: new () => Dto,
  toData: (dto: Dto) => DataOf<K>,
): ActionMapping<K, Dto> {
  return { dto, toData };
}

/**
 * Each action on a ticket: its validated input and the domain command it becomes. The HTTP routes and the
 * command-line import share this table, so that both validate and map the same way.
 */
export const TICKET_ACTIONS = {
  AcknowledgeTicket: action(AcknowledgeTicketDto, (d) => ({ assigneeId: d.assigneeId ?? null })),
  AssignTicket: action(AssignTicketDto, (d) => ({ assigneeId: d.assigneeId })),
  ChangePriority: action(ChangePriorityDto, (d) => ({ priority: d.priority, reason: d.reason })),
  RecordCustomerUpdate: action(RecordCustomerUpdateDto, (d) => ({ channel: d.channel, message: d.message })),
  RequestUserInfo: action(RequestUserInfoDto, (d) => ({ question: d.question })),
  RecordUserResponse: action(RecordUserResponseDto, (d) => ({ response: d.response })),
  ReclassifyAsUserError: action(ReclassifyAsUserErrorDto, (d) => ({
    category: d.category,
    reason: d.reason,
  })),
  RevokeUserErrorReclassification: action(RevokeUserErrorReclassificationDto, (d) => ({ reason: d.reason })),
  LogEffort: action(LogEffortDto, (d) => ({ minutes: d.minutes, note: d.note ?? '' })),
  ResolveTicket: action(ResolveTicketDto, (d) => ({
    resolutionCode: d.resolutionCode,
    notes: d.notes ?? '',
  })),
  ConfirmResolution: action(ConfirmResolutionDto, (d) => ({ comment: d.comment ?? '' })),
  RejectResolution: action(RejectResolutionDto, (d) => ({ reason: d.reason })),
  AutoCloseTicket: action(AutoCloseTicketDto, () => ({})),
  CloseUnresolved: action(CloseUnresolvedDto, (d) => ({
    problemReference: d.problemReference,
    reason: d.reason ?? '',
  })),
  WaiveCharge: action(WaiveChargeDto, (d) => ({ reason: d.reason, approverId: d.approverId })),
  RevokeChargeWaiver: action(RevokeChargeWaiverDto, (d) => ({ reason: d.reason })),
  CorrectEffort: action(CorrectEffortDto, (d) => ({ totalMinutes: d.totalMinutes, reason: d.reason })),
  CorrectUserErrorCategory: action(CorrectUserErrorCategoryDto, (d) => ({
    category: d.category,
    reason: d.reason,
  })),
} satisfies { [K in ActionType]: ActionMapping<K, never> | ActionMapping<K, object> };

/** The domain command for a validated action input. */
export function actionCommand<K extends ActionType>(
  type: K,
  dto: object,
): Extract<ActionCommand, { type: K }> {
  const mapping = TICKET_ACTIONS[type] as unknown as ActionMapping<K, object>;
  return { type, data: mapping.toData(dto) } as unknown as Extract<ActionCommand, { type: K }>;
}
