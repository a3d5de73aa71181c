import { TicketQueries } from '@app/application';
import { Principal } from '@app/domain';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import { TicketIdParams } from '../common/dto-rules';
import { ticketDetailResponse } from './ticket-detail/ticket-detail.response';
import { TicketHistoryQuery } from './ticket-history/ticket-history.query';

@ApiTags('ticket queries')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no or unknown bearer token' })
@ApiResponse({ status: 403, description: "the ticket belongs to a customer outside the caller's scope" })
@ApiResponse({ status: 404, description: 'no such ticket' })
@Controller('tickets')
export class TicketQueriesController {
  constructor(private readonly queries: TicketQueries) {}

  @Get(':ticketId')
  @ApiOperation({ summary: 'A ticket with its live SLA clock, folded from its events at request time' })
  async detail(@Param() { ticketId }: TicketIdParams, @CurrentPrincipal() principal: Principal) {
    return ticketDetailResponse(await this.queries.get(ticketId, principal));
  }

  @Get(':ticketId/history')
  @ApiOperation({ summary: 'Every event of the ticket in order, with who, when and why; paged by revision' })
  async history(
    @Param() { ticketId }: TicketIdParams,
    @Query() query: TicketHistoryQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const page = await this.queries.history(ticketId, principal, {
      fromRevision: query.fromRevision ?? 0,
      limit: query.limit ?? 100,
    });
    return {
      ticketId,
      events: page.events.map((event) => ({
        eventId: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        streamRevision: event.streamRevision,
        globalPosition: event.globalPosition.toString(),
        occurredAt: event.metadata.occurredAt,
        recordedAt: event.recordedAt,
        actor: event.metadata.actor,
        correlationId: event.metadata.correlationId,
        causationId: event.metadata.causationId,
        commandId: event.metadata.commandId,
        data: event.data,
      })),
      nextRevision: page.nextRevision,
    };
  }
}
