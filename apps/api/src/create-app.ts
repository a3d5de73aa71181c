import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, AppModuleOptions } from './app.module';
import { ErrorFilter } from './http/error-filter';
import { withErrorSchema } from './http/openapi';
import { PrototypedExpressAdapter } from './http/express-adapter';
import { strictValidationPipe } from './http/validation';

/** The API as it runs: used by main.ts, the e2e tests and the benchmarks alike. */
export async function createApp(
  options: AppModuleOptions,
  nestOptions: { logger?: false | ('log' | 'error' | 'warn')[] } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(options),
    new PrototypedExpressAdapter(),
    { bodyParser: false, logger: nestOptions.logger ?? ['log', 'error', 'warn'] },
  );
  app.useBodyParser('json', { limit: '64kb' });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.disable('x-powered-by');
  const document = withErrorSchema(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Service desk SLA API')
        .setDescription(
          'Event-sourced service desk: commands append ticket events; queries fold them. ' +
            'Errors share one shape: {statusCode, error, code, message, ...details}.',
        )
        .setVersion('1')
        .addBearerAuth()
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
