import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** The OpenAPI 3.1 (JSON Schema 2020-12) form of a zod schema, for the API reference. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}
