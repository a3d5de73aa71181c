import { ForbiddenError } from '@app/application';
import { Principal, canSeeCustomer } from '@app/domain';
import { AuditReports, ReadQueries } from '@app/projections';
import { Controller, Get, Headers, Query, Res, Type, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  ChargesDiffResponse,
  ChargesReportResponse,
  SlaDiffResponse,
  SlaReportResponse,
} from './report.schema';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/auth.guard';
import { wantsCsv } from '../http/csv';
import { chargesReportCsv, slaReportCsv } from '@app/projections';
import { ReadYourWrites } from '../projection/read-your-writes';
import { ChargesDiffQuery, ChargesReportQuery, SlaDiffQuery, SlaReportQuery } from './report.query';

/** A report's answer: `report` as JSON, or its CSV (Accept: text/csv) as a string. */
const ApiJsonOrCsv = (report: Type<unknown>) =>
  applyDecorators(
    ApiExtraModels(report),
    ApiResponse({
      status: 200,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(report) } },
        'text/csv': { schema: { type: 'string' } },
      },
    }),
  );

@ApiTags('reports')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@ApiResponse({ status: 400, description: 'invalid customer, month or groupBy' })
@ApiResponse({ status: 403, description: "the customer is outside the caller's scope" })
@ApiResponse({ status: 503, description: '`after` given and the read models have not reached it within 5 s' })
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly readQueries: ReadQueries,
    private readonly auditReports: AuditReports,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  /** asOf and whatIfVersion recompute from the events; otherwise the read models answer. */
  private static audit(query: { asOf?: string; whatIfVersion?: number }) {
    return query.asOf === undefined && query.whatIfVersion === undefined
      ? null
      : {
          asOfMs: query.asOf === undefined ? undefined : Date.parse(query.asOf),
          whatIfVersion: query.whatIfVersion,
        };
  }

  private checkScope(principal: Principal, customerId: string): void {
    if (!canSeeCustomer(principal, customerId)) {
      throw new ForbiddenError(`${principal.id} may not see reports of customer ${customerId}`);
    }
  }

  @Get('sla')
  @ApiOperation({
    summary:
      'SLA performance of a customer in a month (incidents only; service requests and user errors apart), optionally grouped by service and/or priority',
  })
  @ApiJsonOrCsv(SlaReportResponse)
  async sla(
    @Query() query: SlaReportQuery,
    @CurrentPrincipal() principal: Principal,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    this.checkScope(principal, query.customer);
    await this.readYourWrites.waitFor(query.after);
    const groupBy = [...new Set(query.groupBy ?? [])];
    const audit = ReportsController.audit(query);
    const report = audit
      ? await this.auditReports.slaReport(query.customer, query.month, groupBy, audit)
      : await this.readQueries.slaReport(query.customer, query.month, groupBy);
    if (wantsCsv(accept)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader(
        'Content-Disposition',
        `attachment; filename="sla-${query.customer}-${query.month}.csv"`,
      );
      return slaReportCsv(query.customer, query.month, report);
    }
    return {
      customerId: query.customer,
      month: query.month,
      groupBy,
      asOf: query.asOf ?? null,
      whatIfVersion: query.whatIfVersion ?? null,
      ...report,
    };
  }

  @Get('charges/diff')
  @ApiOperation({
    summary:
      'Charges as known at `from` (e.g. as reported at month end) against as known at `to` (as corrected), each changed line with the events that changed it',
  })
  @ApiResponse({ status: 200, type: ChargesDiffResponse })
  async chargesDiff(
    @Query() query: ChargesDiffQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ChargesDiffResponse> {
    this.checkScope(principal, query.customer);
    const diff = await this.auditReports.chargesDiff(
      query.customer,
      query.month,
      Date.parse(query.from),
      Date.parse(query.to),
    );
    return { customerId: query.customer, month: query.month, from: query.from, to: query.to, ...diff };
  }

  @Get('sla/diff')
  @ApiOperation({
    summary:
      'SLA figures as known at `from` against as known at `to`, each changed ticket with the events that changed it',
  })
  @ApiResponse({ status: 200, type: SlaDiffResponse })
  async slaDiff(
    @Query() query: SlaDiffQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SlaDiffResponse> {
    this.checkScope(principal, query.customer);
    const groupBy = [...new Set(query.groupBy ?? [])];
    const diff = await this.auditReports.slaDiff(
      query.customer,
      query.month,
      groupBy,
      Date.parse(query.from),
      Date.parse(query.to),
    );
    return {
      customerId: query.customer,
      month: query.month,
      from: query.from,
      to: query.to,
      groupBy,
      ...diff,
    };
  }

  @Get('charges')
  @ApiOperation({
    summary:
      'Chargeable user errors of a customer closed in a month: one line per ticket, totals per currency',
  })
  @ApiJsonOrCsv(ChargesReportResponse)
  async charges(
    @Query() query: ChargesReportQuery,
    @CurrentPrincipal() principal: Principal,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    this.checkScope(principal, query.customer);
    await this.readYourWrites.waitFor(query.after);
    const audit = ReportsController.audit(query);
    const report = audit
      ? await this.auditReports.chargesReport(query.customer, query.month, audit)
      : await this.readQueries.chargesReport(query.customer, query.month);
    if (wantsCsv(accept)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader(
        'Content-Disposition',
        `attachment; filename="charges-${query.customer}-${query.month}.csv"`,
      );
      return chargesReportCsv(report);
    }
    return {
      customerId: query.customer,
      month: query.month,
      asOf: query.asOf ?? null,
      whatIfVersion: query.whatIfVersion ?? null,
      ...report,
    };
  }
}
