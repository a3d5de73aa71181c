import { AgreementCommandOptions, AgreementCommands, CommandResult } from '@app/application';
import { AgreementCommand } from '@app/domain';
import { CommandHandler, ICommand, ICommandHandler } from '@nestjs/cqrs';

export class CreateAgreementCommand implements ICommand {
  constructor(
    readonly data: Omit<Extract<AgreementCommand, { type: 'CreateAgreement' }>['data'], 'agreementId'>,
    readonly options: AgreementCommandOptions,
  ) {}
}

export class ExecuteAgreementCommand implements ICommand {
  constructor(
    readonly agreementId: string,
    readonly command: Exclude<AgreementCommand, { type: 'CreateAgreement' }>,
    readonly options: AgreementCommandOptions,
  ) {}
}

@CommandHandler(CreateAgreementCommand)
export class CreateAgreementHandler implements ICommandHandler<
  CreateAgreementCommand,
  CommandResult & { agreementId: string }
> {
  constructor(private readonly agreements: AgreementCommands) {}

  execute({ data, options }: CreateAgreementCommand) {
    return this.agreements.create(data, options);
  }
}

@CommandHandler(ExecuteAgreementCommand)
export class ExecuteAgreementHandler implements ICommandHandler<ExecuteAgreementCommand, CommandResult> {
  constructor(private readonly agreements: AgreementCommands) {}

  execute({ agreementId, command, options }: ExecuteAgreementCommand) {
    return this.agreements.execute(agreementId, command, options);
  }
}
