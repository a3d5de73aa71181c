import { loadStoresConfig } from '@app/stores';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadProjectorConfig } from '../../apps/projector/src/main';
import { ProjectorLifecycle, ProjectorModule } from '../../apps/projector/src/projector.module';
import { ticketBody } from '../support/fixtures';
import { TOKENS, TestApp, publishAcmeAgreement, startTestApp } from '../support/test-app';

/**
 * The production shape on the embedded stores: the API with PROJECTIONS=external takes commands and
 * answers queries, the projector app (a Nest standalone application) runs the projections.
 */
describe('the projector app beside an API that does not project', () => {
  let dataDir: string;
  let api: TestApp;
  let projector: INestApplicationContext;
  let agreementId: string;
  const env = { SQLITE_SYNCHRONOUS: 'NORMAL', PROJECTIONS: 'external' };

  const startProjector = async () => {
    const config = loadProjectorConfig({ DATA_DIR: dataDir, PROJECTOR_HEALTH_PORT: '0', ...env });
    const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config), {
      logger: false,
    });
    await app.init();
    return app;
  };
  const health = async () =>
    (
      await request(`http://127.0.0.1:${projector.get(ProjectorLifecycle).healthPort}`)
        .get('/health')
        .expect(200)
    ).body;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'projector-'));
    api = await startTestApp('2026-03-02T08:00:00Z', { dataDir, env });
    projector = await startProjector();
  });
  afterAll(async () => {
    await projector?.close();
    await api.app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('projects what the API appends; a query with ?after= waits for the projector', async () => {
    agreementId = await publishAcmeAgreement(api);
    const logged = await api.as(TOKENS.agent).post('/tickets', ticketBody(agreementId)).expect(201);
    const list = await api
      .as(TOKENS.agent)
      .get(`/tickets?customerId=acme&after=${logged.body.globalPosition}`)
      .expect(200);
    expect(list.body.items.map((item: { ticketId: string }) => item.ticketId)).toEqual([
      logged.body.ticketId,
    ]);
    const projectorHealth = await health();
    expect(projectorHealth.projections[0]).toMatchObject({
      name: 'service-desk.v1',
      status: 'live',
      position: logged.body.globalPosition,
      caughtUp: true,
      lag: '0',
    });
    // The API reports the projector's checkpoint as its projection.
    const apiHealth = await api.as(TOKENS.agent).get('/health').expect(200);
    expect(apiHealth.body.projections[0]).toMatchObject({ position: logged.body.globalPosition });
  });

  it('stores its checkpoint when stopped and resumes from it, projecting what was appended meanwhile', async () => {
    await projector.close();
    const stoppedAt = (await api.as(TOKENS.admin).get('/health').expect(200)).body.projections[0].position;
    const logged = await api.as(TOKENS.agent).post('/tickets', ticketBody(agreementId)).expect(201);
    // Nobody projects now: read-your-writes answers 503 with Retry-After rather than stale data.
    const behind = await api.as(TOKENS.agent).get(`/tickets?after=${logged.body.globalPosition}`).expect(503);
    expect(behind.headers['retry-after']).toBeDefined();
    projector = await startProjector();
    await api.as(TOKENS.agent).get(`/tickets?after=${logged.body.globalPosition}`).expect(200);
    expect(BigInt((await health()).projections[0].position)).toBeGreaterThan(BigInt(stoppedAt));
  }, 15_000);

  it('refuses a configuration that names a store without its address, saying which variable is missing', () => {
    expect(() => loadStoresConfig({ EVENT_STORE: 'eventstoredb' })).toThrow(/EVENTSTORE_URL/);
    expect(() => loadStoresConfig({ READ_STORE: 'mongo' })).toThrow(/READ_STORE must be embedded or mongodb/);
    expect(() => loadStoresConfig({ READ_STORE: 'mongodb', MONGODB_URL: 'http://x' })).toThrow(
      /MONGODB_URL=mongodb:\/\//,
    );
    expect(
      loadStoresConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://es:2113?tls=false' })
        .eventStore,
    ).toEqual({
      kind: 'eventstoredb',
      url: 'esdb://es:2113?tls=false',
    });
  });
});
