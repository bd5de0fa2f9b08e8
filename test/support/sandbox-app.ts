/**
 * The setup most e2e suites share: the real app on a fresh database (startTestApp), a client of its
 * bootstrap tenant, and the sandbox description (where to tokenize, the control URL).
 */
import { type Client, clientOf } from './charge-fixtures';
import { sandboxInfo, type SandboxInfo } from './sandbox-client';
import { startTestApp, type StartOptions, type TestApp } from './test-app';

export interface SandboxApp {
  t: TestApp;
  c: Client;
  info: SandboxInfo;
}

export async function startSandboxApp(env: Record<string, string> = {}, options: StartOptions = {}): Promise<SandboxApp> {
  const t = await startTestApp(env, options);
  return { t, c: clientOf(t), info: await sandboxInfo(t) };
}
