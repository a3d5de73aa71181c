import { Logger } from '@nestjs/common';
import { describeStores } from '@app/stores';
import { ConfigError, loadApiConfig } from './config/api-config';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const app = await createApp({ config });
  app.enableShutdownHooks();
  await app.listen(config.port);
  const logger = new Logger('api');
  logger.log(`listening on http://localhost:${config.port} (API docs at /docs)`);
  logger.log(`${describeStores(config.stores)}; principals from ${config.principalsSource}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`configuration error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
