import { AutomationConfigError, loadAutomationConfig } from '@app/automation';
import { StoresConfigError, describeStores, loadStoresConfig } from '@app/stores';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProjectorConfig, ProjectorModule } from './projector.module';

/** Reads the projector's configuration; a bad value stops the start with a clear message. */
export function loadProjectorConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const stores = loadStoresConfig(env);
  const healthPort = Number(env.PROJECTOR_HEALTH_PORT ?? 3001);
  if (!Number.isInteger(healthPort) || healthPort < 0 || healthPort > 65535)
    throw new StoresConfigError([`PROJECTOR_HEALTH_PORT "${env.PROJECTOR_HEALTH_PORT}" is not a port`]);
  let automation;
  try {
    automation = loadAutomationConfig(env, stores.dataDir);
  } catch (error) {
    if (error instanceof AutomationConfigError) throw new StoresConfigError([error.message]);
    throw error;
  }
  return { stores, healthPort, reportEveryMs: Number(env.PROJECTOR_REPORT_MS ?? 30_000), automation };
}

async function main(): Promise<void> {
  const config = loadProjectorConfig();
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config));
  app.enableShutdownHooks();
  new Logger('projector').log(describeStores(config.stores, { projections: false }));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof StoresConfigError ? `configuration error: ${error.message}` : error);
    process.exit(1);
  });
}
