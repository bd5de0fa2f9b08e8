import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/common/errors/error-codes';
import { RouteTable, type ServedRoute } from '../../src/common/http/route-table';
import { startTestApp, type TestApp } from '../support/test-app';

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, { type: string; scheme?: string }>; schemas: Record<string, { enum?: string[] }> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** The API reference documents itself only implicitly. */
const UNDOCUMENTED = /^\/docs(\/|$)/;

/** Express path → OpenAPI path (`/v1/orders/:id` → `/v1/orders/{id}`). */
const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Every served route (method + path) that has no operation in the document. */
function missingFromDocument(routes: ServedRoute[], document: Pick<OpenApiDocument, 'paths'>): string[] {
  const missing: string[] = [];
  for (const route of routes) {
    if (UNDOCUMENTED.test(route.path)) continue;
    const path = toOpenApiPath(route.path);
    for (const method of route.methods) {
      if (!document.paths[path]?.[method.toLowerCase()]) missing.push(`${method} ${path}`);
    }
  }
  return missing;
}

/** Every documented operation the server does not serve (a stale document). */
function notServed(routes: ServedRoute[], document: OpenApiDocument): string[] {
  const served = new Set(routes.flatMap((r) => r.methods.map((m) => `${m} ${toOpenApiPath(r.path)}`)));
  return operations(document)
    .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
    .filter((op) => !served.has(op));
}

function operations(document: OpenApiDocument): { method: string; path: string; op: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ method, path, op })),
  );
}

/** Every `description` string anywhere in the document. */
function descriptions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => descriptions(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'description' && typeof value === 'string') out.push(value);
      else descriptions(value, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let routes: ServedRoute[];

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.http.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body as OpenApiDocument;
    routes = t.app.get(RouteTable).list();
  });
  afterAll(async () => t?.close());

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('the route table holds the API (so the coverage check below is not vacuous)', () => {
    const paths = routes.map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['/v1/orders', '/v1/orders/:id', '/v1/customers/:id', '/health/live', '/metrics']));
    expect(paths.filter((p) => p.includes('*'))).toEqual([]);
  });

  it('documents every route the server serves', () => {
    expect(missingFromDocument(routes, doc)).toEqual([]);
  });

  it('the coverage check flags a route missing from the document', () => {
    const ghost: ServedRoute = { path: '/v1/ghost-things/:id', methods: ['DELETE', 'GET'] };
    expect(missingFromDocument([...routes, ghost], doc)).toEqual(['DELETE /v1/ghost-things/{id}', 'GET /v1/ghost-things/{id}']);
    const withoutCancel = { paths: { ...doc.paths } };
    delete withoutCancel.paths['/v1/orders/{id}/cancel'];
    expect(missingFromDocument(routes, withoutCancel)).toEqual(['POST /v1/orders/{id}/cancel']);
  });

  it('documents nothing the server does not serve', () => {
    expect(notServed(routes, doc)).toEqual([]);
  });

  it('every operation documents its success response', () => {
    const without = operations(doc).filter(({ op }) => !Object.keys(op.responses ?? {}).some((s) => /^2\d\d$/.test(s)));
    expect(without.map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('declares the bearer scheme, used by every /v1 operation', () => {
    const schemes = Object.entries(doc.components.securitySchemes ?? {}).filter(([, s]) => s.type === 'http' && s.scheme === 'bearer');
    expect(schemes.length).toBeGreaterThan(0);
    const names = new Set(schemes.map(([name]) => name));
    const v1 = operations(doc).filter((o) => o.path.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(5);
    const unsecured = v1.filter(({ op }) => !op.security?.some((req) => Object.keys(req).some((n) => names.has(n))));
    expect(unsecured.map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('every /v1 operation documents a 401 problem response', () => {
    const without = operations(doc)
      .filter((o) => o.path.startsWith('/v1/'))
      .filter(({ op }) => op.responses?.['401']?.content?.['application/problem+json']?.schema?.$ref !== '#/components/schemas/Problem');
    expect(without.map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('every POST and PATCH /v1 operation documents the Idempotency-Key header', () => {
    const without = operations(doc)
      .filter((o) => o.path.startsWith('/v1/') && (o.method === 'post' || o.method === 'patch'))
      .filter(({ op }) => !op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'));
    expect(without.map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('the ErrorCode schema enumerates exactly the error catalogue', () => {
    expect([...(doc.components.schemas.ErrorCode?.enum ?? [])].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('problem responses list only existing codes, under their own status', () => {
    const wrong: string[] = [];
    let listed = 0;
    for (const { method, path, op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!response.content?.['application/problem+json']) continue;
        const codes = [...(response.description ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).filter((c) => c !== 'code');
        if (codes.length === 0) wrong.push(`${method} ${path} ${status}: lists no code`);
        for (const code of codes) {
          listed++;
          const known = ERROR_CODES[code as keyof typeof ERROR_CODES];
          if (known?.status !== Number(status)) wrong.push(`${method} ${path} ${status}: \`${code}\``);
        }
      }
    }
    expect(listed).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
  });

  it('every "<status> `code`" mentioned in any description is a real code with that status', () => {
    const mentions = descriptions(doc).flatMap((text) => [...text.matchAll(/\b([1-5]\d\d) `([a-z_]+)`/g)]);
    expect(mentions.length).toBeGreaterThan(0);
    const wrong = mentions
      .filter(([, status, code]) => ERROR_CODES[code as keyof typeof ERROR_CODES]?.status !== Number(status))
      .map((m) => m[0]);
    expect(wrong).toEqual([]);
  });
});
