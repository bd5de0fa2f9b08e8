import type { Request, Response, Router } from 'express';
import { asRecord } from '../json-input';
import type { PushSimulator } from './push-simulator';
import type { ReceivedPush, RejectedPush } from './push-store';

// Control endpoints of the push simulator (api.md "Sandbox"), under `{control}/push/`: what a browser would
// do (subscribe, unsubscribe) and what a test needs to see (messages, refusals) or force (the next answers).
// They run on the control listener, so faults on the push port never affect them.

const MAX_QUEUED = 1_000;

function endpointFilter(req: Request): string | undefined {
  return typeof req.query.endpoint === 'string' ? req.query.endpoint : undefined;
}

function badRequest(res: Response, error: string): void {
  res.status(400).json({ error });
}

function messageJson(m: ReceivedPush): unknown {
  return {
    endpoint: m.endpoint,
    received_at: m.receivedAt,
    headers: m.delivery,
    payload: m.payload,
    vapid: { aud: m.vapid.aud, exp: m.vapid.exp, sub: m.vapid.sub },
    status: m.status,
  };
}

function rejectedJson(r: RejectedPush): unknown {
  return { endpoint: r.endpoint, received_at: r.receivedAt, status: r.status, reason: r.reason };
}

export function registerPushControlRoutes(router: Router, push: PushSimulator): void {
  // The browser's PushManager.subscribe(): `{ "application_server_key"?: "<base64url VAPID public key>" }`.
  router.post('/push/_subscriptions', (req, res) => {
    const body = req.body === undefined ? {} : asRecord(req.body);
    const unknownKeys = Object.keys(body ?? {}).filter((k) => k !== 'application_server_key');
    const key = body?.application_server_key;
    if (!body || unknownKeys.length > 0 || (key !== undefined && typeof key !== 'string')) {
      badRequest(res, 'body must be {} or { "application_server_key": "<base64url VAPID public key>" }');
      return;
    }
    const subscription = push.subscribe({ applicationServerKey: key });
    if (!subscription) {
      // What a browser's subscribe() refuses with InvalidAccessError.
      badRequest(res, 'application_server_key must be a base64url uncompressed P-256 public key (65 bytes, 0x04 | X | Y)');
      return;
    }
    res.status(201).json(subscription);
  });

  // The browser unsubscribed (PushSubscription.unsubscribe()): pushes to it answer 410 Gone from now on.
  router.delete('/push/_subscriptions/:id', (req, res) => {
    const id = String(req.params.id ?? '');
    if (!push.unsubscribe(id)) {
      res.status(404).json({ error: `no subscription ${id}` });
      return;
    }
    res.json({ endpoint: push.endpointOf(id), unsubscribed: true });
  });

  router.get('/push/_messages', (req, res) => {
    res.json({ data: push.messages(endpointFilter(req)).map(messageJson) });
  });

  router.delete('/push/_messages', (_req, res) => {
    push.store.clearMessages();
    res.json({ data: [] });
  });

  router.get('/push/_rejected', (req, res) => {
    res.json({ data: push.rejected(endpointFilter(req)).map(rejectedJson) });
  });

  // `{ "status": 410, "count"?: 1 }`: the next valid pushes are answered with that status, not 201.
  router.post('/push/_respond', (req, res) => {
    const body = asRecord(req.body);
    const status = body?.status;
    const count = body?.count ?? 1;
    const unknownKeys = Object.keys(body ?? {}).filter((k) => k !== 'status' && k !== 'count');
    if (!body || unknownKeys.length > 0 || typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
      badRequest(res, 'body must be { "status": <200–599>, "count"?: <positive integer> }');
      return;
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count + push.store.queued.length > MAX_QUEUED) {
      badRequest(res, `count must be a positive integer, at most ${MAX_QUEUED} answers queued in all`);
      return;
    }
    push.respondNext(status, count);
    res.json({ queued: push.store.queued });
  });

  router.delete('/push/_respond', (_req, res) => {
    push.store.clearQueue();
    res.json({ queued: [] });
  });
}
