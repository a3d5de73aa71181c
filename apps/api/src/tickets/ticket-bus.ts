import { CommandResult, TicketCommandOptions, TicketCommands } from '@app/application';
import { TicketCommand } from '@app/domain';
import { CommandHandler, ICommand, ICommandHandler } from '@nestjs/cqrs';

/** Log a new ticket: the server assigns its id. */
export class LogTicketCommand implements ICommand {
  constructor(
    readonly data: Omit<Extract<TicketCommand, { type: 'LogTicket' }>['data'], 'ticketId'>,
    readonly options: TicketCommandOptions,
  ) {}
}

/** Any command on an existing ticket. */
export class ExecuteTicketCommand implements ICommand {
  constructor(
    readonly ticketId: string,
    readonly command: Exclude<TicketCommand, { type: 'LogTicket' }>,
    readonly options: TicketCommandOptions,
  ) {}
}

@CommandHandler(LogTicketCommand)
export class LogTicketHandler implements ICommandHandler<
  LogTicketCommand,
  CommandResult & { ticketId: string }
> {
  constructor(private readonly tickets: TicketCommands) {}

  execute({ data, options }: LogTicketCommand) {
    return this.tickets.log(data, options);
  }
}

@CommandHandler(ExecuteTicketCommand)
export class ExecuteTicketHandler implements ICommandHandler<ExecuteTicketCommand, CommandResult> {
  constructor(private readonly tickets: TicketCommands) {}

  execute({ ticketId, command, options }: ExecuteTicketCommand) {
    return this.tickets.execute(ticketId, command, options);
  }
}
