import type { Router } from 'express';
import { asRecord } from '../json-input';
import type { SunatSimulator } from './sunat-simulator';

// Control endpoints of the SUNAT simulator (api.md "Sandbox"), under `{control}/sunat/`: what SUNAT received and
// the answers a test wants next. They run on the control listener, so faults on the SUNAT port never affect them.

const MAX_QUEUED = 1_000;

export function registerSunatControlRoutes(router: Router, sunat: SunatSimulator): void {
  // Every authenticated sendBill/sendSummary, newest first; `?file_name=` and `?ruc=` filter.
  router.get('/sunat/_documents', (req, res) => {
    const fileName = typeof req.query.file_name === 'string' ? req.query.file_name : undefined;
    const ruc = typeof req.query.ruc === 'string' ? req.query.ruc : undefined;
    const data = sunat.documents().filter((d) => (fileName === undefined || d.file_name === fileName) && (ruc === undefined || d.ruc === ruc));
    res.json({ data });
  });

  // Forgets documents, taken numbers and tickets (a test that reuses numbers, a SmartPay database reset).
  router.delete('/sunat/_documents', (_req, res) => {
    sunat.clearDocuments();
    res.json({ data: [] });
  });

  router.get('/sunat/_outcomes', (_req, res) => {
    res.json({ queued: sunat.queuedOutcomes() });
  });

  // `{ "code": "2017" | "4287" | "0100" | "0", "count"?: 1, "description"?: "…" }`: the next sendBill answers.
  router.post('/sunat/_outcomes', (req, res) => {
    const body = asRecord(req.body);
    const unknownKeys = Object.keys(body ?? {}).filter((k) => !['code', 'count', 'description'].includes(k));
    const code = typeof body?.code === 'number' ? String(body.code) : body?.code;
    const count = body?.count ?? 1;
    const description = body?.description ?? null;
    if (!body || unknownKeys.length > 0 || typeof code !== 'string' || (description !== null && typeof description !== 'string')) {
      res.status(400).json({ error: 'body must be { "code": "<SUNAT code>", "count"?: <positive integer>, "description"?: string }' });
      return;
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count + sunat.queuedOutcomes().length > MAX_QUEUED) {
      res.status(400).json({ error: `count must be a positive integer, at most ${MAX_QUEUED} answers queued in all` });
      return;
    }
    const queued = sunat.queueOutcome(code, count, description);
    if (!queued) {
      res.status(400).json({ error: 'code must be 0 (accepted), 0100–1999 (exception: SOAP fault), 2000–3999 (rejection) or 4000–9999 (observation)' });
      return;
    }
    res.json({ queued });
  });

  router.delete('/sunat/_outcomes', (_req, res) => {
    sunat.clearOutcomes();
    res.json({ queued: [] });
  });
}
