import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AdminGate } from './admin/admin-gate';
import { mountAdminUi } from './admin/admin-ui';
import { AppModule } from './app.module';
import { limitBodyDepth, rejectCardData, requireJsonBody } from './common/http/body-guards';
import { rejectNulCharacters } from './common/http/nul-guard';
import { answerClientErrorsAsProblems } from './common/http/client-error';
import { answerFallthroughAsProblems } from './common/http/fallthrough';
import { RouteTable } from './common/http/route-table';
import { DOCS_CSP, securityHeaders } from './common/http/security-headers';
import { accessLog } from './common/logging/access-log';
import { createRootLogger } from './common/logging/logger';
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
  // The simulators are loaded only in sandbox mode: production code never imports them.
  const sandbox = config.sandbox.enabled ? (await import('./sandbox/sandbox.module')).SandboxModule.forRoot() : null;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, database, logger, sandbox), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(NestPinoLogger));

  const server = app.getHttpAdapter().getInstance();
  server.disable('x-powered-by');
  server.set('etag', false);
  // Order matters: request id + access log first, so every later failure is logged with its id.
  app.use(accessLog(logger));
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  // Before anything that may answer, so errors carry them too; /docs gets the policy its page needs.
  app.use(securityHeaders(config));
  app.use('/docs', securityHeaders(config, { csp: DOCS_CSP }));
  app.use(requireJsonBody);
  app.use(express.json({ limit: config.bodyLimit, type: ['application/json', 'application/*+json'], strict: true }));
  app.use(limitBodyDepth);
  // Before the /v1 guards: the dashboard's /v1 bridge rewrites its requests to /v1 paths here.
  app.use(app.get(AdminGate).middleware);
  mountAdminUi(app, config.hsts);
  app.use('/v1', rejectCardData);
  app.use('/v1', rejectNulCharacters);

  if (sandbox) await mountSandboxControl(app);
  mountDocs(app);
  answerClientErrorsAsProblems(app.getHttpServer(), logger);
  answerFallthroughAsProblems(server, logger);
  await app.init();
  app.get(RouteTable).loadFrom((server as unknown as { router: { stack: [] } }).router.stack);
  return { app, logger };
}

/** In-process simulators are controlled under SmartPay's own /sandbox (api.md, "Sandbox"). */
async function mountSandboxControl(app: NestExpressApplication): Promise<void> {
  const { SANDBOX } = await import('./sandbox/sandbox.module');
  const { createSandboxControlRouter } = await import('./sandbox/control-router');
  const instance = app.get<import('./sandbox/sandbox').Sandbox | null>(SANDBOX, { strict: false });
  if (instance) app.use('/sandbox', createSandboxControlRouter(instance));
}
