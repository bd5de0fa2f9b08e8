import { z } from 'zod';
import type { Logger } from 'pino';
import type { AdminRole } from '../apps/admin-user.entity';
import type { AppConfig } from '../config/app-config';
import { expectArgs, type ParsedArgs } from './cli-args';
import type { CliDatabase } from './cli-database';
import { CliError } from './cli-error';
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

/** Every command that works on the database, by name. */
export const COMMANDS: Record<string, Command> = {
  'apps:create': appsCreate,
  'keys:create': keysCreate,
  'keys:revoke': keysRevoke,
  'admins:create': adminsCreate,
  migrate,
};

/** Part of the contract, delivered by a later capability (reconciliation and background jobs). */
export const NOT_YET_AVAILABLE = new Set(['reconcile', 'jobs:list', 'jobs:retry']);
