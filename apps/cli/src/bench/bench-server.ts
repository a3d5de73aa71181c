import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { loadApiConfig } from '../../../api/src/config/api-config';
import { createApp } from '../../../api/src/create-app';
import { PrototypedExpressAdapter } from '../../../api/src/http/express-adapter';
import { NoopModule } from './noop.module';

/**
 * A server process for the HTTP benchmarks, so that the load generator does not share its event loop:
 * `bench-server noop|noop-api-stack <port>` or `bench-server api <port> <dataDir>`.
 */
export async function runBenchServer(mode: string, port: number, dataDir: string): Promise<void> {
  if (mode === 'noop' || mode === 'noop-api-stack') {
    // `noop`: Nest's own Express adapter; `noop-api-stack`: the API's (apps/api/src/http/express-adapter.ts).
    const adapter = mode === 'noop' ? new ExpressAdapter() : new PrototypedExpressAdapter();
    const app = await NestFactory.create<NestExpressApplication>(NoopModule, adapter, {
      logger: false,
      bodyParser: false,
    });
    app.useBodyParser('json', { limit: '64kb' });
    await app.listen(port, '127.0.0.1');
  } else {
    const config = loadApiConfig({ ...process.env, DATA_DIR: dataDir, PORT: String(port) });
    const app = await createApp({ config }, { logger: ['error'] });
    app.enableShutdownHooks();
    await app.listen(port, '127.0.0.1');
  }
  // The load test asks for the live heap now and then: collected first (the server runs with --expose-gc), so
  // that what remains is what the process holds, not garbage not yet collected.
  process.on('message', (message) => {
    if (message !== 'heap') return;
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ heapUsedMb: process.memoryUsage().heapUsed / 1_048_576 });
  });
  process.send?.('ready');
}
