import { z } from 'zod';
import type { Logger } from 'pino';
import type { AdminRole } from '../apps/admin-user.entity';
import { Alert, type AlertStatus } from '../alerts/alert.entity';
import { presentAlert } from '../alerts/alert.presenter';
import { Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import type { JobStatus } from '../jobs/job.entity';
import { JOB_STATUSES, JobStore } from '../jobs/job-store';
import { JobQueue } from '../jobs/job-queue';
import { EntityRows } from '../database/entity-rows';
import { newId } from '../common/ids';
import { RECONCILE_RUN_JOB } from '../reconciliation/pending-charges.reconciler';
import { ReconciliationRun } from '../reconciliation/reconciliation-run.entity';
import { ROLLUP_JOB } from '../reports/rollups/report-rollups';
import { ReconciliationReportService } from '../reconciliation/reconciliation-report.service';
import type { PinoLogger } from 'nestjs-pino';
import { cliGatewayRegistry } from './cli-gateways';
import { expectArgs, type ParsedArgs } from './cli-args';
import type { CliDatabase } from './cli-database';
import { CliError } from './cli-error';
import { invoicesReissue } from './invoice-commands';
import { canPrompt, promptNewPassword } from './password-prompt';

export interface CommandEnv {
  config: AppConfig;
  logger: Logger;
  /** Opens the database (schema current), runs `work` in its own EntityManager context, closes it. */
  withDatabase<T>(work: (db: CliDatabase) => Promise<T>, options?: { migrating?: boolean }): Promise<T>;
}

export type Command = (args: ParsedArgs, env: CommandEnv) => Promise<object>;

const MIN_PASSWORD = 12;
const ROLES: readonly AdminRole[] = ['admin', 'viewer'];

const appsCreate: Command = async (args, env) => {
  const [rawName] = expectArgs(args, ['name']);
  const name = rawName!.trim();
  if (name.length === 0 || name.length > 200) throw new CliError('the app name must have 1 to 200 characters');
  const created = await env.withDatabase((db) => db.apps.createApp(name));
  env.logger.info({ app_id: created.appId, key_id: created.keyId }, 'app created');
  return { app_id: created.appId, key_id: created.keyId, api_key: created.apiKey };
};

const keysCreate: Command = async (args, env) => {
  const [appId] = expectArgs(args, ['app_id']);
  const issued = await env.withDatabase((db) => db.apps.createKey(appId!));
  if (!issued) throw new CliError(`no app with id ${appId}`);
  env.logger.info({ app_id: appId, key_id: issued.keyId }, 'api key created');
  return { key_id: issued.keyId, api_key: issued.apiKey };
};

const keysRevoke: Command = async (args, env) => {
  const [keyId] = expectArgs(args, ['key_id']);
  const revoked = await env.withDatabase((db) => db.apps.revokeKey(keyId!));
  if (!revoked) throw new CliError(`no active API key with id ${keyId} (unknown, or already revoked)`);
  env.logger.info({ key_id: keyId }, 'api key revoked');
  return { key_id: keyId, revoked: true };
};

const adminsCreate: Command = async (args, env) => {
  const [rawEmail] = expectArgs(args, ['email'], ['role']);
  const email = rawEmail!.trim().toLowerCase();
  if (!z.email().safeParse(email).success) throw new CliError(`"${rawEmail}" is not an e-mail address`);
  const role = args.options.get('role') ?? 'admin';
  if (!ROLES.includes(role as AdminRole)) throw new CliError(`--role must be ${ROLES.join(' or ')}`);
  // Ask before opening the database, so no connection waits on the operator's typing.
  const password = await newAdminPassword(env.config);
  const created = await env.withDatabase((db) => db.admins.create(email, password, role as AdminRole));
  if (created === 'exists') throw new CliError(`an admin user with e-mail ${email} already exists`);
  env.logger.info({ admin_id: created.id, role: created.role }, 'admin user created');
  return { admin_id: created.id, email: created.email, role: created.role };
};

async function newAdminPassword(config: AppConfig): Promise<string> {
  // loadConfig already rejected a SMARTPAY_ADMIN_PASSWORD shorter than the minimum.
  if (config.bootstrap.adminPassword) return config.bootstrap.adminPassword;
  if (!canPrompt()) {
    throw new CliError('SMARTPAY_ADMIN_PASSWORD is not set and there is no terminal to ask for the password: set it, or run this in a terminal');
  }
  return promptNewPassword(MIN_PASSWORD);
}

const migrate: Command = async (args, env) => {
  expectArgs(args, []);
  const applied = await env.withDatabase((db) => db.migrate(), { migrating: true });
  return { applied };
};

const jobsList: Command = async (args, env) => {
  expectArgs(args, [], ['status', 'limit']);
  const status = args.options.get('status');
  if (status !== undefined && !JOB_STATUSES.includes(status as JobStatus)) throw new CliError(`--status must be ${JOB_STATUSES.join(', ')}`);
  const rawLimit = args.options.get('limit') ?? '100';
  const limit = Number(rawLimit);
  if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > 1000) throw new CliError('--limit must be a whole number from 1 to 1000');
  const jobs = await env.withDatabase((db) => new JobStore(db.orm.em, env.config, new Clock()).list(status as JobStatus | undefined, limit));
  return jobs.map((j) => ({
    id: j.id,
    type: j.type,
    status: j.status,
    attempts: j.attempts,
    max_attempts: j.maxAttempts,
    run_at: j.runAt.toISOString(),
    locked_by: j.lockedBy,
    locked_until: j.lockedUntil?.toISOString() ?? null,
    last_error: j.lastError,
    dedupe_key: j.dedupeKey,
    app_id: j.appId,
    created_at: j.createdAt.toISOString(),
    finished_at: j.finishedAt?.toISOString() ?? null,
    payload: j.payload,
  }));
};

const jobsRetry: Command = async (args, env) => {
  const [id] = expectArgs(args, ['id']);
  const result = await env.withDatabase((db) => new JobStore(db.orm.em, env.config, new Clock()).retryDead(id!));
  if (!result.retried) {
    if (result.status === null) throw new CliError(`no job with id ${id}`);
    throw new CliError(`job ${id} is ${result.status}: only dead jobs can be retried`);
  }
  env.logger.info({ job_id: id }, 'dead job queued again');
  return { id, status: 'queued', attempts: 0 };
};

/**
 * Queues a reconciliation run over every app's pending charges. The run is a durable job: the workers
 * of the running SmartPay instances execute it (they hold the gateway connections and, in sandbox
 * mode, the simulators), so the CLI only needs the database.
 */
const reconcile: Command = async (args, env) => {
  expectArgs(args, [], ['from', 'to']);
  if (args.options.has('from') || args.options.has('to')) return reconciliationReport(args, env);
  return env.withDatabase(async (db) => {
    const em = db.orm.em.fork();
    const clock = new Clock();
    const runId = newId('reconciliationRun');
    await em.transactional(async (tx) => {
      await tx.insert(ReconciliationRun, { id: runId, appId: null, status: 'queued', checked: 0, updated: 0, discrepancies: [], error: null, createdAt: clock.now(), finishedAt: null });
      await new JobQueue(clock, env.config, new EntityRows(tx)).enqueue(tx, RECONCILE_RUN_JOB, { runId }, { maxAttempts: 3 });
    });
    env.logger.info({ run_id: runId }, 'reconciliation run queued');
    return { run_id: runId, status: 'queued', note: 'executed by the job workers of the running SmartPay instances' };
  });
};

/** Queues one run of the report rollups now (after an import of past charges); a running instance's worker executes it. */
const reportsRollup: Command = async (args, env) => {
  expectArgs(args, []);
  return env.withDatabase(async (db) => {
    const em = db.orm.em.fork();
    const clock = new Clock();
    await em.transactional(async (tx) => {
      await new JobQueue(clock, env.config, new EntityRows(tx)).enqueue(tx, ROLLUP_JOB, {}, { maxAttempts: 3 });
    });
    env.logger.info('report rollup queued');
    return { status: 'queued', note: 'executed by the job workers of the running SmartPay instances' };
  });
};

/** `reconcile --from <ISO> --to <ISO>`: the discrepancy report over every app, read from the gateways now. */
async function reconciliationReport(args: ParsedArgs, env: Parameters<Command>[1]) {
  const from = new Date(args.options.get('from') ?? '');
  const to = new Date(args.options.get('to') ?? '');
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from) {
    throw new CliError('usage: reconcile --from <ISO 8601> --to <ISO 8601> (to after from)');
  }
  const registry = await cliGatewayRegistry(env.config);
  return env.withDatabase(async (db) => {
    const logger = { setContext: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as PinoLogger;
    return new ReconciliationReportService(db.orm.em.fork(), new Clock(), registry, logger).report(null, from, to);
  });
}

const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;

/** Alerts of every app and the deployment's own (gateway circuits, dead jobs), newest first. */
const alertsList: Command = async (args, env) => {
  expectArgs(args, [], ['status', 'limit']);
  const status = args.options.get('status');
  if (status !== undefined && !(ALERT_STATUSES as readonly string[]).includes(status)) throw new CliError(`--status must be ${ALERT_STATUSES.join(', ')}`);
  const rawLimit = args.options.get('limit') ?? '100';
  const limit = Number(rawLimit);
  if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > 1000) throw new CliError('--limit must be a whole number from 1 to 1000');
  const rows = await env.withDatabase((db) => db.orm.em.fork().find(Alert, status ? { status: status as AlertStatus } : {}, { orderBy: { id: 'desc' }, limit }));
  return rows.map((a) => ({ ...presentAlert(a), app_id: a.appId }));
};

/** `alerts:ack` / `alerts:resolve`: what the API does for an app's alerts, for any alert (operators). */
function alertTransition(to: 'acknowledged' | 'resolved'): Command {
  return async (args, env) => {
    const [id] = expectArgs(args, ['id']);
    return env.withDatabase(async (db) => {
      const em = db.orm.em.fork();
      const alert = await em.findOne(Alert, { id: id! });
      if (!alert) throw new CliError(`no alert with id ${id}`);
      if (alert.status === 'resolved') throw new CliError(`alert ${id} is already resolved`);
      const now = new Clock().now();
      if (to === 'acknowledged') await em.nativeUpdate(Alert, { id: alert.id, status: 'open' }, { status: 'acknowledged', acknowledgedAt: now, updatedAt: now });
      else await em.nativeUpdate(Alert, { id: alert.id }, { status: 'resolved', resolvedAt: now, resolvedBy: 'cli', openKey: null, updatedAt: now });
      env.logger.info({ alert_id: alert.id, status: to }, `alert ${to}`);
      return presentAlert(await em.fork().findOneOrFail(Alert, { id: alert.id }));
    });
  };
}

/** Every command that works on the database, by name. */
export const COMMANDS: Record<string, Command> = {
  'apps:create': appsCreate,
  'keys:create': keysCreate,
  'keys:revoke': keysRevoke,
  'admins:create': adminsCreate,
  migrate,
  'jobs:list': jobsList,
  'jobs:retry': jobsRetry,
  reconcile,
  'reports:rollup': reportsRollup,
  'alerts:list': alertsList,
  'alerts:ack': alertTransition('acknowledged'),
  'alerts:resolve': alertTransition('resolved'),
  'invoices:reissue': invoicesReissue,
};

/** Part of the contract, delivered by a later capability. */
export const NOT_YET_AVAILABLE = new Set<string>();
