import { TOKENS, TestApp, startTestApp } from '../support/test-app';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
}
interface Operation {
  readonly parameters?: readonly Parameter[];
}

/** What a frontend team generates its client from: every route's parameters must be in /docs-json. */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    t = await startTestApp('2026-03-02T08:00:00Z');
    paths = (await t.as(TOKENS.agent).get('/docs-json').expect(200)).body.paths;
  });
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
});
