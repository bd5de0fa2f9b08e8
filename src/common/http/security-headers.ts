import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../../config/app-config';

/** CSP directives in helmet's shape: `{ defaultSrc: ["'none'"], frameAncestors: ["'none'"] }`. */
export type CspDirectives = Record<string, string[]>;

/** JSON and problem+json responses load nothing and are never framed. */
export const API_CSP: CspDirectives = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] };

/**
 * The Swagger UI page under /docs: its scripts are files served from /docs (swagger-ui-bundle.js, the
 * standalone preset and swagger-ui-init.js, which carries the document) — no inline script, no eval. Its HTML
 * has two inline <style> blocks and the UI sets style attributes, hence 'unsafe-inline' for styles only;
 * swagger-ui.css draws its icons as data: images; "Try it out" calls this origin.
 */
export const DOCS_CSP: CspDirectives = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** One year; not includeSubDomains nor preload, which would bind hosts this service does not own. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600;

/**
 * helmet with SmartPay's defaults: the given CSP (API_CSP unless told), no framing, no referrer, and
 * Strict-Transport-Security only when SMARTPAY_PUBLIC_URL is https (config.hsts) — TLS ends in front of
 * the service, so the public URL is the one place that says clients reach it over TLS.
 * The admin dashboard mounts its own instance with its own policy: `securityHeaders(config, { csp: {...} })`.
 */
export function securityHeaders(config: Pick<AppConfig, 'hsts'>, options: { csp?: CspDirectives } = {}): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: options.csp ?? API_CSP },
    strictTransportSecurity: config.hsts ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
