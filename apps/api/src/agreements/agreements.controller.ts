import { AgreementRepository, ForbiddenError, NotFoundError, TicketCommandOptions } from '@app/application';
import { AgreementTerms, Principal, canSeeCustomer } from '@app/domain';
import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/auth.guard';
import { CommandResponse, commandResponse, withEtag } from '../common/command-response';
import { ID_PATTERN, IsId } from '../common/dto-rules';
import { CommandContext } from '../http/command-context';
import { CreateAgreementCommand, ExecuteAgreementCommand } from './agreement-bus';
import { CreateAgreementDto } from './create-agreement/create-agreement.dto';
import { PublishAgreementVersionDto } from './publish-agreement-version/publish-agreement-version.dto';
import { AgreementTermsDto } from './publish-agreement-version/agreement-terms.dto';

class AgreementIdParams {
  @ApiProperty({ description: 'The agreement id', pattern: ID_PATTERN.source })
  @IsId()
  agreementId!: string;
}

class AgreementVersionResponse {
  @ApiProperty({ type: 'integer' })
  version!: number;
  @ApiProperty({ type: 'string', format: 'date-time' })
  effectiveFrom!: string;
  @ApiProperty({ type: AgreementTermsDto, description: 'As published (the body of POST .../versions)' })
  terms!: AgreementTerms;
}

/** GET /agreements/{id}: the agreement and every version published, in order. */
class AgreementResponse {
  @ApiProperty({ enum: [true] })
  exists!: true;
  @ApiProperty()
  agreementId!: string;
  @ApiProperty()
  customerId!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ type: [String] })
  services!: readonly string[];
  @ApiProperty({ type: [AgreementVersionResponse] })
  versions!: readonly AgreementVersionResponse[];
}

class CreatedAgreementResponse extends CommandResponse {
  @ApiProperty({ description: 'The new agreement id' })
  agreementId!: string;
}

/** DTO instances to the plain data the events hold. */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

@ApiTags('agreements')
@ApiBearerAuth()
@ApiResponse({ status: 400, description: 'invalid input: `fields` names each field at fault' })
@ApiResponse({ status: 401, description: 'no or unknown bearer token' })
@ApiResponse({ status: 403, description: 'only an admin manages agreements' })
@Controller('agreements')
export class AgreementsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly agreements: AgreementRepository,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an SLA agreement for a customer and its services' })
  @ApiResponse({ status: 201, type: CreatedAgreementResponse })
  async create(
    @Body() dto: CreateAgreementDto,
    @CommandContext() context: TicketCommandOptions,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedAgreementResponse> {
    const result = await this.commandBus.execute(new CreateAgreementCommand(plain(dto), context));
    response.setHeader('Location', `/agreements/${result.agreementId}`);
    return withEtag(response, { agreementId: result.agreementId, ...commandResponse(result) });
  }

  @Post(':agreementId/versions')
  @ApiOperation({
    summary: 'Publish a new version of the terms, effective from an instant after the latest one',
  })
  @ApiResponse({ status: 201, type: CommandResponse })
  @ApiResponse({ status: 422, description: 'the terms cannot be measured (each problem is named)' })
  async publish(
    @Param() { agreementId }: AgreementIdParams,
    @Body() dto: PublishAgreementVersionDto,
    @CommandContext() context: TicketCommandOptions,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommandResponse> {
    const result = await this.commandBus.execute(
      new ExecuteAgreementCommand(
        agreementId,
        {
          type: 'PublishAgreementVersion',
          data: { effectiveFrom: dto.effectiveFrom, terms: plain<AgreementTerms>(dto.terms) },
        },
        context,
      ),
    );
    return withEtag(response, commandResponse(result));
  }

  @Get(':agreementId')
  @ApiOperation({ summary: 'An agreement with all its published versions' })
  @ApiResponse({ status: 200, type: AgreementResponse })
  async get(
    @Param() { agreementId }: AgreementIdParams,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AgreementResponse> {
    const agreement = await this.agreements.load(agreementId);
    if (!agreement.exists)
      throw new NotFoundError('agreement_not_found', `agreement ${agreementId} does not exist`);
    if (!canSeeCustomer(principal, agreement.customerId)) {
      throw new ForbiddenError(`${principal.id} may not see agreements of customer ${agreement.customerId}`);
    }
    return agreement;
  }
}
