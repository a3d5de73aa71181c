import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadApiConfig } from '../../apps/api/src/config/api-config';
import { createApp } from '../../apps/api/src/create-app';
import { acmeTerms } from './fixtures';
import { TestClock } from './test-clock';

export const TOKENS = {
  admin: 'dev-admin-token',
  agent: 'dev-agent-token',
  requesterAcme: 'dev-requester-acme-token',
  requesterGlobex: 'dev-requester-globex-token',
  auditor: 'dev-auditor-token',
  reporting: 'dev-reporting-token',
  system: 'dev-system-token',
} as const;

export interface TestApp {
  readonly app: INestApplication;
  readonly clock: TestClock;
  readonly dataDir: string;
  /** supertest against the app, with the bearer token of a development principal. */
  as(token: string): {
    get(path: string): request.Test;
    post(path: string, body?: object | string): request.Test;
  };
  close(): Promise<void>;
}

/**
 * With E2E_STORES=servers (and EVENTSTORE_URL, MONGODB_URL), the e2e suites run against EventStoreDB and
 * MongoDB: each app gets a MongoDB database of its own; EventStoreDB is shared, so run against a fresh
 * node (e.g. EVENTSTORE_MEM_DB=true) with --runInBand, since the reports count every ticket of a customer.
 */
function serverStores(): Record<string, string> {
  if (process.env.E2E_STORES !== 'servers') return {};
  const { EVENTSTORE_URL, MONGODB_URL } = process.env;
  if (!EVENTSTORE_URL || !MONGODB_URL)
    throw new Error('E2E_STORES=servers needs EVENTSTORE_URL and MONGODB_URL');
  const url = new URL(MONGODB_URL);
  url.pathname = `/e2e_${randomUUID().slice(0, 8)}`;
  return { EVENT_STORE: 'eventstoredb', EVENTSTORE_URL, READ_STORE: 'mongodb', MONGODB_URL: url.toString() };
}

/** The real API over a fresh embedded store in a temporary folder (or over the stores in `dataDir`). */
export async function startTestApp(
  start = '2026-03-02T08:00:00Z',
  options: { readonly dataDir?: string; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'service-desk-e2e-'));
  const clock = new TestClock(start);
  const config = loadApiConfig({
    DATA_DIR: dataDir,
    SQLITE_SYNCHRONOUS: 'NORMAL',
    // The process manager ticks only when a test says so (app.get(AutomationScheduler).tick()).
    AUTOMATION_INTERVAL_MS: '0',
    ...serverStores(),
    ...options.env,
  });
  const app = await createApp({ config, clock }, { logger: false });
  await app.init();
  const server = app.getHttpServer();
  return {
    app,
    clock,
    dataDir,
    as: (token) => ({
      get: (path) => request(server).get(path).set('Authorization', `Bearer ${token}`),
      post: (path, body = {}) =>
        request(server).post(path).set('Authorization', `Bearer ${token}`).send(body),
    }),
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** ACME's agreement (email, laptops) with its first version (samples/agreement-version.json), made by the admin. */
export async function publishAcmeAgreement(t: TestApp, name = 'ACME'): Promise<string> {
  const created = await t
    .as(TOKENS.admin)
    .post('/agreements', { customerId: 'acme', name, services: ['email', 'laptops'] })
    .expect(201);
  const agreementId = created.body.agreementId as string;
  await t
    .as(TOKENS.admin)
    .post(`/agreements/${agreementId}/versions`, {
      effectiveFrom: '2026-01-01T00:00:00+01:00',
      terms: acmeTerms,
    })
    .expect(201);
  return agreementId;
}
