import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { faultToJson, parseFault } from './fault-spec';
import { asRecord } from './json-input';
import { controlMessageJson, recipientsOf } from './postmark/postmark-outbound';
import { registerPushControlRoutes } from './push/push-control-routes';
import { SANDBOX_SIMULATORS, type Sandbox, type SandboxSimulatorName } from './sandbox';
import { registerSunatControlRoutes } from './sunat/sunat-control-routes';

function gatewayOf(req: Request, res: Response): SandboxSimulatorName | null {
  const gateway = String(req.params.gateway ?? '');
  if ((SANDBOX_SIMULATORS as readonly string[]).includes(gateway)) return gateway as SandboxSimulatorName;
  res.status(404).json({ error: `unknown simulator ${gateway}; expected ${SANDBOX_SIMULATORS.join(', ')}` });
  return null;
}

/** `{ "url": "http(s)://…" | null, "user"?, "password"? }`, or null when the body is not that. */
function webhookTargetOf(body: unknown): { url: string; user?: string; password?: string } | { url: null } | null {
  const { url, user, password } = asRecord(body) ?? {};
  if (url === null) return { url: null };
  if (typeof url !== 'string' || !/^https?:\/\//.test(url) || (user !== undefined && typeof user !== 'string') || (password !== undefined && typeof password !== 'string')) return null;
  return { url, user, password };
}

/** The address of `{ "email": "…" }` (or `?email=` on DELETE). */
function emailOf(req: Request): string | null {
  const fromBody = asRecord(req.body)?.email;
  const value = typeof fromBody === 'string' ? fromBody : req.query.email;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function metadataMatches(query: Request['query'], metadata: unknown): boolean {
  const data = asRecord(metadata) ?? {};
  return Object.entries(query).every(([key, value]) => !key.startsWith('metadata.') || (typeof value === 'string' && String(data[key.slice('metadata.'.length)] as string) === value));
}

/**
 * Control endpoints of api.md "Sandbox", relative to the `/sandbox` root. Never subject to faults: they run
 * on SmartPay's (or the standalone control) listener, not on the simulators' ports.
 */
export function createSandboxControlRouter(sandbox: Sandbox): Router {
  const router = express.Router();
  router.use(express.json({ limit: '100kb' }));

  router.get('/', (_req, res) => {
    res.json(sandbox.describe());
  });

  router.get('/:gateway/_faults', (req, res) => {
    const gateway = gatewayOf(req, res);
    if (gateway) res.json(faultToJson(sandbox.server(gateway).currentFault));
  });

  router.post('/:gateway/_faults', async (req, res) => {
    const gateway = gatewayOf(req, res);
    if (!gateway) return;
    const fault = parseFault(req.body);
    if ('error' in fault) {
      res.status(400).json({ error: fault.error });
      return;
    }
    await sandbox.server(gateway).setFault(fault);
    res.json(faultToJson(sandbox.server(gateway).currentFault));
  });

  router.delete('/:gateway/_faults', async (req, res) => {
    const gateway = gatewayOf(req, res);
    if (!gateway) return;
    await sandbox.server(gateway).clearFault();
    res.json(faultToJson(null));
  });

  // What each gateway really processed (tests count with these; `metadata.<key>=<value>` filters).
  router.get('/culqi/_charges', (req, res) => {
    const data = sandbox.culqi.store.charges
      .newestFirst()
      .filter((c) => metadataMatches(req.query, c.metadata))
      .map((c) => structuredClone(c));
    res.json({ object: 'list', total: data.length, data });
  });

  router.get('/culqi/_webhooks', (_req, res) => {
    res.json({ target: sandbox.culqi.webhookTarget?.url ?? null, data: [...sandbox.culqi.webhooks.deliveries].reverse() });
  });

  // Culqi has one webhook URL per account (its panel); this is that setting.
  router.put('/culqi/_webhook', (req, res) => {
    const body = asRecord(req.body);
    const url = body?.url;
    const user = body?.user;
    const password = body?.password;
    if (url === null) {
      sandbox.culqi.setWebhookTarget(null);
      res.json({ url: null });
      return;
    }
    if (typeof url !== 'string' || !/^https?:\/\//.test(url) || (user !== undefined && typeof user !== 'string') || (password !== undefined && typeof password !== 'string')) {
      res.status(400).json({ error: 'body must be { "url": "http(s)://…" | null, "user"?: string, "password"?: string }' });
      return;
    }
    sandbox.culqi.setWebhookTarget({ url, user, password });
    res.json({ url });
  });

  router.post('/culqi/_orders/:id', (req, res) => {
    const result = sandbox.culqi.moveOrder(String(req.params.id ?? ''), asRecord(req.body)?.state);
    if ('error' in result) res.status(result.status).json({ error: result.error });
    else res.json(result.order);
  });

  router.get('/mercadopago/_payments', (req, res) => {
    const reference = typeof req.query.external_reference === 'string' ? req.query.external_reference : undefined;
    const data = sandbox.mercadopago
      .payments()
      .filter((p) => reference === undefined || p.external_reference === reference)
      .filter((p) => metadataMatches(req.query, p.metadata));
    res.json({ object: 'list', total: data.length, data });
  });

  router.post('/mercadopago/_payments/:id', (req, res) => {
    const body = asRecord(req.body);
    const result = sandbox.mercadopago.setPaymentStatus(String(req.params.id ?? ''), body?.status, body?.status_detail);
    if ('error' in result) res.status(result.status).json({ error: result.error });
    else res.json(result.payment);
  });

  router.get('/mercadopago/_webhooks', (_req, res) => {
    res.json({ data: [...sandbox.mercadopago.webhooks.deliveries].reverse() });
  });

  // What Postmark accepted, newest first; `to` matches any recipient, `metadata.<key>=<value>` the metadata.
  router.get('/postmark/_messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to.toLowerCase() : undefined;
    const data = sandbox.postmark
      .messages()
      .filter((m) => to === undefined || recipientsOf(m).some((r) => r.toLowerCase() === to))
      .filter((m) => metadataMatches(req.query, m.Metadata))
      .map(controlMessageJson);
    res.json({ data });
  });

  router.delete('/postmark/_messages', (_req, res) => {
    sandbox.postmark.clearMessages();
    res.json({ data: [] });
  });

  router.get('/postmark/_webhooks', (_req, res) => {
    res.json({ target: sandbox.postmark.webhookTarget?.url ?? null, data: [...sandbox.postmark.webhooks.deliveries].reverse() });
  });

  // Postmark configures webhooks per server and stream; the simulator has one target for all.
  router.put('/postmark/_webhook', (req, res) => {
    const target = webhookTargetOf(req.body);
    if (!target) {
      res.status(400).json({ error: 'body must be { "url": "http(s)://…" | null, "user"?: string, "password"?: string }' });
      return;
    }
    sandbox.postmark.setWebhookTarget(target.url === null ? null : target);
    res.json({ url: sandbox.postmark.webhookTarget?.url ?? null });
  });

  router.get('/postmark/_inactive', (_req, res) => {
    res.json({ data: sandbox.postmark.inactiveAddresses() });
  });

  router.post('/postmark/_inactive', (req, res) => {
    const email = emailOf(req);
    const entry = email === null ? null : sandbox.postmark.deactivate(email);
    if (!entry) {
      res.status(400).json({ error: 'body must be { "email": "<a valid address>" }' });
      return;
    }
    res.json(entry);
  });

  router.delete('/postmark/_inactive', (req, res) => {
    const email = emailOf(req);
    if (email === null) {
      res.status(400).json({ error: 'body must be { "email": "…" } (or ?email=…)' });
      return;
    }
    res.json({ email: email.toLowerCase(), reactivated: sandbox.postmark.reactivate(email) });
  });

  registerPushControlRoutes(router, sandbox.push);
  registerSunatControlRoutes(router, sandbox.sunat);

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'unknown sandbox control endpoint' });
  });

  // Malformed JSON and other request errors answer JSON, not express's HTML page.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    res.status(status).json({ error: status < 500 && err instanceof Error ? err.message : 'sandbox control error' });
  });

  return router;
}
