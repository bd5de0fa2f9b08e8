import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError } from '../common/errors/api-error';

/** Where the build puts the dashboard: dist/admin-ui (next to dist/admin when compiled, or from src/ in tests). */
function uiDirectory(): string | null {
  const candidates = [resolve(__dirname, '..', 'admin-ui'), resolve(__dirname, '..', '..', 'dist', 'admin-ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * Serves the dashboard's single-page app under /admin: hashed assets cached for a year, the service
 * worker and index.html never cached, and every page with a strict Content-Security-Policy — scripts only
 * from this origin, no inline script anywhere; styles from this origin plus the one <style> element the
 * component library writes its CSS variables into, allowed by a per-response nonce. Any /admin path that
 * is not a file gets index.html (the app routes on the client); /admin/api is the API, never the app.
 */
export function mountAdminUi(app: NestExpressApplication, hsts: boolean): void {
  const dir = uiDirectory();
  // Read again when the file changes: a rebuild renames the hashed assets index.html points at.
  let cached: { mtimeMs: number; html: string } | null = null;
  const index = (): string | null => {
    if (!dir) return null;
    const file = join(dir, 'index.html');
    const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    if (mtimeMs === undefined) return null;
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, html: readFileSync(file, 'utf8') };
    return cached.html;
  };

  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce as string}'`],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });

  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    headers(req, res, next);
  });
  if (dir) {
    router.use(
      '/assets',
      express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }),
      (_req: Request, _res: Response, next: NextFunction) => next(new ApiError('route_not_found', 'No such dashboard asset (a page from an older build? reload it)')),
    );
    router.get('/sw.js', (_req, res) => {
      res.set('Cache-Control', 'no-cache').set('Service-Worker-Allowed', '/admin/');
      res.sendFile(join(dir, 'sw.js'));
    });
  }
  router.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    const html = index();
    if (!html) return next(new ApiError('service_unavailable', 'The dashboard is not built: run `npm run build`'));
    res
      .status(200)
      .set('Content-Type', 'text/html; charset=utf-8')
      .set('Cache-Control', 'no-store')
      .send(html.replaceAll(NONCE_PLACEHOLDER, res.locals.cspNonce as string));
  });

  // Everything under /admin except its API.
  app.use('/admin', (req: Request, res: Response, next: NextFunction) => {
    const path = req.path.toLowerCase(); // Express routes ignore case: so does this split
    if (path === '/api' || path.startsWith('/api/')) return next();
    router(req, res, next);
  });
}
