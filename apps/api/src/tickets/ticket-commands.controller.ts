import { TicketCommandOptions } from '@app/application';
import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandResponse, commandResponse, withEtag } from '../common/command-response';
import { TicketIdParams } from '../common/dto-rules';
import { CommandContext } from '../http/command-context';
import { AcknowledgeTicketDto } from './acknowledge-ticket/acknowledge-ticket.dto';
import { AssignTicketDto } from './assign-ticket/assign-ticket.dto';
import { AutoCloseTicketDto } from './auto-close-ticket/auto-close-ticket.dto';
import { ChangePriorityDto } from './change-priority/change-priority.dto';
import { CloseUnresolvedDto } from './close-unresolved/close-unresolved.dto';
import { ConfirmResolutionDto } from './confirm-resolution/confirm-resolution.dto';
import { LogEffortDto } from './log-effort/log-effort.dto';
import { LogTicketDto } from './log-ticket/log-ticket.dto';
import { ReclassifyAsUserErrorDto } from './reclassify-as-user-error/reclassify-as-user-error.dto';
import { RecordCustomerUpdateDto } from './record-customer-update/record-customer-update.dto';
import { RecordUserResponseDto } from './record-user-response/record-user-response.dto';
import { RejectResolutionDto } from './reject-resolution/reject-resolution.dto';
import { RequestUserInfoDto } from './request-user-info/request-user-info.dto';
import { ResolveTicketDto } from './resolve-ticket/resolve-ticket.dto';
import { RevokeUserErrorReclassificationDto } from './revoke-user-error-reclassification/revoke-user-error-reclassification.dto';
import { ExecuteTicketCommand, LogTicketCommand } from './ticket-bus';
import { ActionCommand, actionCommand } from './ticket-actions';
import { WaiveChargeDto } from './waive-charge/waive-charge.dto';
import { CorrectEffortDto } from './correct-effort/correct-effort.dto';
import { CorrectUserErrorCategoryDto } from './correct-user-error-category/correct-user-error-category.dto';
import { RevokeChargeWaiverDto } from './revoke-charge-waiver/revoke-charge-waiver.dto';

class LoggedTicketResponse extends CommandResponse {
  @ApiProperty({ description: 'The new ticket id' })
  ticketId!: string;
}

/** The ticket lifecycle over HTTP: one route per command, each mapping its DTO to a domain command. */
@ApiTags('ticket commands')
@ApiBearerAuth()
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'a retry with the same key appends nothing',
})
@ApiResponse({ status: 400, description: 'invalid input: `fields` names each field at fault' })
@ApiResponse({ status: 401, description: 'no or unknown bearer token' })
@ApiResponse({ status: 403, description: 'the role or customer scope does not allow it' })
@ApiResponse({
  status: 422,
  description: 'refused by a business rule: `code` and `message` say which and why',
})
@Controller('tickets')
export class TicketCommandsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ summary: 'Log a ticket (the server assigns its id)' })
  @ApiResponse({ status: 201, type: LoggedTicketResponse })
  async log(
    @Body() dto: LogTicketDto,
    @CommandContext() context: TicketCommandOptions,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoggedTicketResponse> {
    const result = await this.commandBus.execute(
      new LogTicketCommand({ ...dto, description: dto.description ?? '' }, context),
    );
    response.setHeader('Location', `/tickets/${result.ticketId}`);
    return withEtag(response, { ticketId: result.ticketId, ...commandResponse(result) });
  }

  private async send(
    ticketId: string,
    command: ActionCommand,
    context: TicketCommandOptions,
    response: Response,
  ): Promise<CommandResponse> {
    const result = await this.commandBus.execute(new ExecuteTicketCommand(ticketId, command, context));
    return withEtag(response, commandResponse(result));
  }

  @Post(':ticketId/acknowledge')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Acknowledge a logged ticket (stops the response clock), optionally taking it' })
  acknowledge(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: AcknowledgeTicketDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('AcknowledgeTicket', dto), c, r);
  }

  @Post(':ticketId/assign')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Assign an open ticket to an agent' })
  assign(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: AssignTicketDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('AssignTicket', dto), c, r);
  }

  @Post(':ticketId/change-priority')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Change the priority of an open ticket, with a reason' })
  changePriority(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: ChangePriorityDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('ChangePriority', dto), c, r);
  }

  @Post(':ticketId/record-customer-update')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Record an update given to the customer' })
  recordCustomerUpdate(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: RecordCustomerUpdateDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('RecordCustomerUpdate', dto), c, r);
  }

  @Post(':ticketId/request-user-info')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Ask the user for information: the ticket awaits the user and the clock pauses' })
  requestUserInfo(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: RequestUserInfoDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('RequestUserInfo', dto), c, r);
  }

  @Post(':ticketId/record-user-response')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: "Record the user's answer: the ticket is in progress again and the clock runs" })
  recordUserResponse(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: RecordUserResponseDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('RecordUserResponse', dto), c, r);
  }

  @Post(':ticketId/reclassify-as-user-error')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Reclassify as a user error, chargeable per the rate card' })
  reclassifyAsUserError(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: ReclassifyAsUserErrorDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('ReclassifyAsUserError', dto), c, r);
  }

  @Post(':ticketId/revoke-user-error-reclassification')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Revoke the user-error reclassification: the kind it was logged as is restored' })
  revokeUserError(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: RevokeUserErrorReclassificationDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('RevokeUserErrorReclassification', dto), c, r);
  }

  @Post(':ticketId/log-effort')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Log minutes of effort (priced for hourly user-error categories)' })
  logEffort(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: LogEffortDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('LogEffort', dto), c, r);
  }

  @Post(':ticketId/resolve')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Resolve: the clock stops and the customer is asked to confirm' })
  resolve(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: ResolveTicketDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('ResolveTicket', dto), c, r);
  }

  @Post(':ticketId/confirm')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'The customer confirms the resolution: the ticket is closed' })
  confirm(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: ConfirmResolutionDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('ConfirmResolution', dto), c, r);
  }

  @Post(':ticketId/reject-resolution')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'The customer rejects the resolution: the ticket reopens and the clock runs' })
  rejectResolution(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: RejectResolutionDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('RejectResolution', dto), c, r);
  }

  @Post(':ticketId/auto-close')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({
    summary: 'Close a resolved ticket nobody answered, once the agreed business days have passed',
  })
  autoClose(
    @Param() { ticketId }: TicketIdParams,
    @Body() _dto: AutoCloseTicketDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('AutoCloseTicket', _dto), c, r);
  }

  @Post(':ticketId/close-unresolved')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Close unresolved: the fix is tracked as a problem or known error' })
  closeUnresolved(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: CloseUnresolvedDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('CloseUnresolved', dto), c, r);
  }

  @Post(':ticketId/waive-charge')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Waive the charge of a user error, with the reason and who approved it' })
  waiveCharge(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: WaiveChargeDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('WaiveCharge', dto), c, r);
  }

  @Post(':ticketId/revoke-charge-waiver')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: 'Correction: withdraw a waiver, the charge applies again' })
  revokeChargeWaiver(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: RevokeChargeWaiverDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('RevokeChargeWaiver', dto), c, r);
  }

  @Post(':ticketId/correct-effort')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({
    summary: 'Correction: set the total logged effort, with a reason (a new event, never an edit)',
  })
  correctEffort(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: CorrectEffortDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('CorrectEffort', dto), c, r);
  }

  @Post(':ticketId/correct-user-error-category')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CommandResponse })
  @ApiOperation({ summary: "Correction: change a user error's rate-card category, with a reason" })
  correctUserErrorCategory(
    @Param() { ticketId }: TicketIdParams,
    @Body() dto: CorrectUserErrorCategoryDto,
    @CommandContext() c: TicketCommandOptions,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.send(ticketId, actionCommand('CorrectUserErrorCategory', dto), c, r);
  }
}
