import { ForbiddenError, TicketQueries } from '@app/application';
import { Principal, canSeeCustomer } from '@app/domain';
import { Clock, CLOCK } from '@app/application';
import { ReadQueries } from '@app/projections';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import { TicketIdParams } from '../common/dto-rules';
import { ticketDetailResponse } from './ticket-detail/ticket-detail.response';
import { TicketDetailQuery, TicketHistoryQuery } from './ticket-history/ticket-history.query';
import { ReadYourWrites } from '../projection/read-your-writes';
import { decodeCursor, encodeCursor } from './list-tickets/cursor';
import { ListTicketsQuery } from './list-tickets/list-tickets.query';
import { slaResponse } from './ticket-detail/ticket-detail.response';
import { TicketListPageResponse } from './list-tickets/ticket-list.response';
import { TicketDetailResponse } from './ticket-detail/ticket-detail.schema';
import { TicketHistoryResponse, TicketTimelineResponse } from './ticket-history/ticket-history.schema';

@ApiTags('ticket queries')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no or unknown bearer token' })
@ApiResponse({ status: 403, description: "the ticket belongs to a customer outside the caller's scope" })
@ApiResponse({ status: 404, description: 'no such ticket' })
@Controller('tickets')
export class TicketQueriesController {
  constructor(
    private readonly queries: TicketQueries,
    private readonly readQueries: ReadQueries,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Tickets from the read model: filters, sorting, cursor pagination; each with its live SLA summary',
  })
  @ApiResponse({ status: 200, type: TicketListPageResponse })
  @ApiResponse({
    status: 503,
    description: '`after` given and the read models have not reached it within 5 s',
  })
  async list(
    @Query() query: ListTicketsQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TicketListPageResponse> {
    if (query.customerId !== undefined && !canSeeCustomer(principal, query.customerId)) {
      throw new ForbiddenError(`${principal.id} may not see tickets of customer ${query.customerId}`);
    }
    await this.readYourWrites.waitFor(query.after);
    const sort = query.sort ?? 'loggedAt';
    const order = query.order ?? 'desc';
    const page = await this.readQueries.listTickets(
      {
        scope: principal.customers.includes('*') ? undefined : principal.customers,
        customerId: query.customerId,
        service: query.service,
        kind: query.kind,
        status: query.status,
        priority: query.priority,
        breached: query.breached,
        loggedFrom: query.loggedFrom && new Date(query.loggedFrom).toISOString(),
        loggedTo: query.loggedTo && new Date(query.loggedTo).toISOString(),
        resolvedFrom: query.resolvedFrom && new Date(query.resolvedFrom).toISOString(),
        resolvedTo: query.resolvedTo && new Date(query.resolvedTo).toISOString(),
        sort,
        direction: order,
        limit: query.limit ?? 50,
        after: query.cursor ? decodeCursor(query.cursor, sort, order) : undefined,
      },
      this.clock.now().getTime(),
    );
    return {
      items: page.items.map(({ doc, sla }) => ({
        ticketId: doc.id,
        customerId: doc.customerId,
        service: doc.service,
        kind: doc.kind,
        status: doc.status,
        closure: doc.state.closure,
        priority: doc.priority,
        summary: doc.state.summary,
        requesterId: doc.state.requester.id,
        assigneeId: doc.state.assigneeId,
        loggedAt: doc.loggedAt,
        resolvedAt: doc.resolvedAt,
        closedAt: doc.closedAt,
        lastEventAt: doc.lastEventAt,
        reopenCount: doc.state.reopenCount,
        agreement: { agreementId: doc.state.agreementId, version: doc.state.agreementVersion },
        sla: slaResponse(sla),
        streamRevision: doc.streamRevision,
        globalPosition: doc.globalPosition,
      })),
      nextCursor: page.next ? encodeCursor({ sort, order, ...page.next }) : null,
    };
  }

  @Get(':ticketId')
  @ApiOperation({
    summary:
      'A ticket with its live SLA clock, folded from its events at request time; with asOf, as it stood then',
  })
  @ApiResponse({ status: 200, type: TicketDetailResponse })
  async detail(
    @Param() { ticketId }: TicketIdParams,
    @Query() query: TicketDetailQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const asOf = query.asOf === undefined ? undefined : Date.parse(query.asOf);
    return ticketDetailResponse(await this.queries.get(ticketId, principal, asOf));
  }

  @Get(':ticketId/timeline')
  @ApiOperation({ summary: 'The history in words (who, when, what) and the time spent in each status' })
  @ApiResponse({ status: 200, type: TicketTimelineResponse })
  async timeline(
    @Param() { ticketId }: TicketIdParams,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TicketTimelineResponse> {
    return { ticketId, ...(await this.queries.timeline(ticketId, principal)) };
  }

  @Get(':ticketId/history')
  @ApiOperation({ summary: 'Every event of the ticket in order, with who, when and why; paged by revision' })
  @ApiResponse({ status: 200, type: TicketHistoryResponse })
  async history(
    @Param() { ticketId }: TicketIdParams,
    @Query() query: TicketHistoryQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TicketHistoryResponse> {
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
