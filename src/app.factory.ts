import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { requireJsonBody, rejectCardData } from './common/http/body-guards';
import { RouteTable } from './common/http/route-table';
import { createHttpLogger, createRootLogger } from './common/logging/logger';
import type { AppConfig } from './config/app-config';
import { resolveDatabase } from './database/database-flavor';
import { mountDocs } from './docs/openapi';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';

export interface SmartPayApp {
  app: NestExpressApplication;
  logger: Logger;
}

/** Builds the whole HTTP application (used by main.ts and by the test suites alike). */
export async function createApp(config: AppConfig): Promise<SmartPayApp> {
  const logger = createRootLogger(config);
  const database = await resolveDatabase(config.database);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, database, logger), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(NestPinoLogger));
  app.enableShutdownHooks();

  const server = app.getHttpAdapter().getInstance();
  server.disable('x-powered-by');
  server.set('etag', false);
  // Order matters: request id + access log first, so every later failure is logged with its id.
  app.use(createHttpLogger(logger));
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.use(requireJsonBody);
  app.use(express.json({ limit: config.bodyLimit, type: ['application/json', 'application/*+json'], strict: true }));
  app.use('/v1', rejectCardData);

  mountDocs(app);
  await app.init();
  app.get(RouteTable).loadFrom((server as unknown as { router: { stack: [] } }).router.stack);
  return { app, logger };
}
