import { TOKENS, TestApp, startTestApp } from '../support/test-app';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
}
interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly required?: readonly string[];
  readonly properties?: Record<string, Schema>;
  readonly items?: Schema;
  readonly allOf?: readonly Schema[];
}

/** What a frontend team generates its client from: every route's parameters must be in /docs-json. */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, Operation>>;
  let schemas: Record<string, Schema>;

  beforeAll(async () => {
    t = await startTestApp('2026-03-02T08:00:00Z');
    const document = (await t.as(TOKENS.agent).get('/docs-json').expect(200)).body;
    ({ paths } = document);
    schemas = document.components.schemas;
  });
  /** A schema's properties, those of the schemas it refers to or extends included. */
  const propertiesOf = (schema: Schema): string[] => {
    if (schema.$ref) return propertiesOf(schemas[schema.$ref.split('/').pop() as string]);
    return [
      ...Object.keys(schema.properties ?? {}),
      ...(schema.allOf ?? []).flatMap((part) => propertiesOf(part)),
    ].sort();
  };
  afterAll(() => t.close());

  const names = (operation: Operation, where: string) =>
    (operation.parameters ?? [])
      .filter((parameter) => parameter.in === where)
      .map((parameter) => parameter.name)
      .sort();

  it('declares every path parameter of every route, as required', () => {
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      for (const [method, operation] of Object.entries(operations)) {
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
        if (
          JSON.stringify(declared.map((p) => p.name).sort()) !== JSON.stringify(inPath) ||
          declared.some((p) => p.required !== true)
        )
          missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(paths)).toContain('/tickets/{ticketId}');
  });

  it('declares the query parameters of the list, the reports and the ticket views', () => {
    expect(names(paths['/tickets'].get, 'query')).toEqual(
      [
        'customerId',
        'service',
        'kind',
        'status',
        'priority',
        'breached',
        'loggedFrom',
        'loggedTo',
        'resolvedFrom',
        'resolvedTo',
        'sort',
        'order',
        'limit',
        'cursor',
        'after',
      ].sort(),
    );
    expect(names(paths['/reports/sla'].get, 'query')).toEqual(
      ['customer', 'month', 'after', 'asOf', 'whatIfVersion', 'groupBy'].sort(),
    );
    expect(names(paths['/reports/charges'].get, 'query')).toEqual(
      ['customer', 'month', 'after', 'asOf', 'whatIfVersion'].sort(),
    );
    expect(names(paths['/reports/sla/diff'].get, 'query')).toEqual(
      ['customer', 'month', 'after', 'from', 'to', 'groupBy'].sort(),
    );
    expect(names(paths['/tickets/{ticketId}'].get, 'query')).toEqual(['asOf']);
    expect(names(paths['/tickets/{ticketId}/history'].get, 'query')).toEqual(['fromRevision', 'limit']);
    const sort = paths['/tickets'].get.parameters?.find((p) => p.name === 'sort') as unknown as {
      schema: { enum: string[] };
    };
    expect(sort.schema.enum).toEqual(['loggedAt', 'resolvedAt', 'lastEventAt', 'priority']);
  });

  it('gives every error answer the one error shape', () => {
    const untyped: string[] = [];
    for (const [path, operations] of Object.entries(paths))
      for (const [method, operation] of Object.entries(operations))
        for (const [status, response] of Object.entries(operation.responses))
          if (
            Number(status) >= 400 &&
            response.content?.['application/json']?.schema.$ref !== '#/components/schemas/ErrorResponse'
          )
            untyped.push(`${method.toUpperCase()} ${path} ${status}`);
    expect(untyped).toEqual([]);
    expect(schemas.ErrorResponse.required).toEqual(['statusCode', 'error', 'code', 'message']);
    expect(propertiesOf(schemas.ErrorResponse)).toContain('fields');
  });

  it('describes what commands, the ticket list and views and the reports answer', () => {
    const answer = (path: string, method: string, status: string) =>
      propertiesOf(paths[path][method].responses[status].content?.['application/json'].schema as Schema);
    expect(answer('/tickets', 'post', '201')).toEqual(
      ['events', 'globalPosition', 'replayed', 'streamRevision', 'ticketId'].sort(),
    );
    expect(answer('/tickets/{ticketId}/resolve', 'post', '200')).toEqual(
      ['events', 'globalPosition', 'replayed', 'streamRevision'].sort(),
    );
    expect(answer('/tickets', 'get', '200')).toEqual(['items', 'nextCursor']);
    const item = schemas.TicketListPageResponse.properties?.items.items as Schema;
    expect(propertiesOf(item)).toEqual(
      expect.arrayContaining(['ticketId', 'status', 'priority', 'sla', 'loggedAt']),
    );
    expect(answer('/tickets/{ticketId}', 'get', '200')).toEqual(
      expect.arrayContaining(['ticketId', 'status', 'requester', 'sla', 'charge', 'streamRevision']),
    );
    expect(answer('/tickets/{ticketId}/timeline', 'get', '200')).toEqual([
      'entries',
      'statusPeriods',
      'ticketId',
    ]);
    expect(answer('/tickets/{ticketId}/history', 'get', '200')).toEqual([
      'events',
      'nextRevision',
      'ticketId',
    ]);
    expect(propertiesOf(schemas.HistoryEventResponse)).toEqual(
      expect.arrayContaining([
        'eventId',
        'type',
        'schemaVersion',
        'occurredAt',
        'recordedAt',
        'actor',
        'data',
      ]),
    );
    expect(answer('/agreements/{agreementId}', 'get', '200')).toEqual([
      'agreementId',
      'customerId',
      'exists',
      'name',
      'services',
      'versions',
    ]);
    expect(answer('/health', 'get', '200')).toEqual(['eventStore', 'projections', 'status']);
    for (const diff of ['/reports/sla/diff', '/reports/charges/diff'])
      expect(answer(diff, 'get', '200')).toEqual(
        expect.arrayContaining(['before', 'after', 'changes', 'from', 'to']),
      );
    expect(propertiesOf(schemas.TicketFactsChangeResponse)).toEqual([
      'after',
      'before',
      'causedBy',
      'change',
      'ticketId',
    ]);
    expect(answer('/reports/sla', 'get', '200')).toEqual(
      expect.arrayContaining(['customerId', 'month', 'incidents', 'groups', 'serviceRequests', 'userErrors']),
    );
    expect(propertiesOf(schemas.SlaFiguresResponse)).toEqual(
      expect.arrayContaining(['compliancePercent', 'p90ResolutionMinutes', 'firstTimeRightPercent']),
    );
    expect(answer('/reports/charges', 'get', '200')).toEqual(
      expect.arrayContaining(['lines', 'totals', 'asOf']),
    );
    expect(paths['/reports/charges'].get.responses['200'].content?.['text/csv'].schema.type).toBe('string');
    expect(propertiesOf(schemas.SlaSummaryResponse)).toEqual(
      expect.arrayContaining([
        'clock',
        'elapsedBusinessMinutes',
        'remainingBusinessMinutes',
        'breached',
        'dueAt',
      ]),
    );
  });
});
