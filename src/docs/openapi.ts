import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ERROR_CODES } from '../common/errors/error-codes';

const DESCRIPTION = `
One API to charge Peruvian payments through **Culqi** (cards, Yape, 3-D Secure) or **Mercado Pago**.

- **Auth**: \`Authorization: Bearer sk_test_…\` on every \`/v1\` call. Each key belongs to one app; another app's ids answer 404.
- **Money**: integer minor units (\`1050\` = S/ 10.50), currency \`PEN\` or \`USD\`.
- **Idempotency**: send \`Idempotency-Key\` on any POST/PATCH to make retries safe.
- **Rate limits**: requests per API key and time window (set per deployment); over it, 429 \`rate_limited\` with \`Retry-After\` in seconds. Authenticated \`/v1\` answers carry \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\` (seconds) while the limit is on.
- **Errors**: RFC 9457 \`application/problem+json\` with a stable \`code\`; the codes are listed under the \`ErrorCode\` schema.
- **Card data** is never accepted: tokenize at the gateway and send the token.
`;

/** The OpenAPI 3.1 document of every route, with the error-code catalogue and the problem schema. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('SmartPay API')
    .setDescription(DESCRIPTION.trim())
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'sk_test_… / sk_live_…', description: 'Your app API key' }, 'api_key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, required by GET /metrics when it is set' }, 'metrics_token')
    .addCookieAuth('smartpay_admin', { type: 'apiKey', in: 'cookie', description: 'The dashboard session (POST /admin/api/session); writes also need X-CSRF-Token' }, 'admin_session')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components ??= {};
  document.components.schemas = {
    ...document.components.schemas,
    ErrorCode: {
      type: 'string',
      enum: Object.keys(ERROR_CODES),
      description: Object.entries(ERROR_CODES)
        .map(([code, { status, title }]) => `- \`${code}\` (${status}): ${title}`)
        .join('\n'),
    },
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details',
      required: ['type', 'title', 'status', 'detail', 'code', 'request_id'],
      properties: {
        type: { type: 'string', format: 'uri' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { $ref: '#/components/schemas/ErrorCode' },
        request_id: { type: 'string', description: 'Also in the X-Request-Id header and every log line of the request' },
        param: { type: 'string', description: 'The field at fault, when there is one' },
        errors: {
          type: 'array',
          items: { type: 'object', properties: { param: { type: 'string' }, message: { type: 'string' } }, required: ['param', 'message'] },
        },
      },
    },
  };
  addRateLimitResponses(document);
  return document;
}

/**
 * Every /v1 operation may answer 429 `rate_limited` (SMARTPAY_RATE_LIMIT_API, per API key): declared here once
 * for all of them rather than on each controller, with the headers that come with it.
 */
function addRateLimitResponses(document: OpenAPIObject): void {
  const seconds = (description: string) => ({ description, schema: { type: 'integer', minimum: 0 } });
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses['429'] = {
        description: 'Problem details; `code` is `rate_limited`: too many requests with this API key in the current window (or too many failed authentications from this address)',
        headers: {
          'Retry-After': seconds('Seconds until the window ends and requests are accepted again'),
          'RateLimit-Limit': seconds('Requests allowed per window'),
          'RateLimit-Remaining': seconds('Requests left in the current window'),
          'RateLimit-Reset': seconds('Seconds until the current window ends'),
        },
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
  }
}

export function mountDocs(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    customSiteTitle: 'SmartPay API',
    // No validator badge: it would load an image from validator.swagger.io, which the page's CSP refuses.
    swaggerOptions: { persistAuthorization: true, validatorUrl: null },
  });
  return document;
}
