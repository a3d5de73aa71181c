import { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadApiConfig } from '../../apps/api/src/config/api-config';
import { createApp } from '../../apps/api/src/create-app';
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

/** The real API over a fresh embedded store in a temporary folder (or over the stores in `dataDir`). */
export async function startTestApp(
  start = '2026-03-02T08:00:00Z',
  options: { readonly dataDir?: string; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'service-desk-e2e-'));
  const clock = new TestClock(start);
  const config = loadApiConfig({ DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'NORMAL', ...options.env });
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
