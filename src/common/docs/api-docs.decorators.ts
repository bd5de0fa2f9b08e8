import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes';
import { openApiSchema } from '../validation/openapi-schema';

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** Documents a JSON request body from its zod schema (the same schema validates it). */
export const ApiJsonBody = (schema: z.ZodType): MethodDecorator =>
  ApiBody({ required: true, schema: openApiSchema(schema) as never });

/** Documents a JSON response from a zod schema. */
export const ApiJsonResponse = (status: number, schema: z.ZodType, description = 'OK'): MethodDecorator =>
  ApiResponse({ status, description, schema: openApiSchema(schema, 'output') });

/** Documents a list response (`{ object: "list", data, has_more, next_cursor }`) of the given item. */
export const ApiListResponse = (item: z.ZodType): MethodDecorator =>
  ApiJsonResponse(
    200,
    z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() }),
    'A page, newest first',
  );

/** Documents each query parameter of a strict zod object schema. */
export const ApiQueryFrom = (schema: z.ZodObject): MethodDecorator => {
  const json = openApiSchema(schema) as { properties?: Record<string, object>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, prop]) =>
      ApiQuery({ name, required: json.required?.includes(name) ?? false, schema: prop as never }),
    ),
  );
};

/** Documents the error codes an /v1 operation may answer with (the API-key ones always), grouped by status. */
export const ApiProblems = (...codes: ErrorCode[]): MethodDecorator => ApiProblemResponses(['authentication_required', 'invalid_api_key', ...codes]);

/** Documents exactly these error codes, grouped by status (for operations not behind an API key). */
export const ApiProblemResponses = (codes: readonly ErrorCode[]): MethodDecorator => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), code])]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: `Problem details; \`code\` is one of: ${list.map((c) => `\`${c}\``).join(', ')}`,
        content: { 'application/problem+json': { schema: PROBLEM_REF } },
      }),
    ),
  );
};

/** The Idempotency-Key header accepted by every POST and PATCH. */
export const ApiIdempotent = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Up to 255 printable characters, scoped to your app. Replays return the stored response with `Idempotent-Replayed: true` for 24 h; the same key with another body → 422 `idempotency_key_reused`; while the first is running → 409 `idempotency_request_in_progress`.',
    }),
    ApiProblems('idempotency_key_reused', 'idempotency_request_in_progress'),
  );
