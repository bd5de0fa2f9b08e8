import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ApiError, type FieldError } from '../errors/api-error';

/**
 * Validates a body or query against one zod schema. Schemas are strict, so unknown fields are
 * listed and rejected rather than dropped. Messages never echo the submitted values.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly where: 'body' | 'query' = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const input = this.where === 'body' && value === undefined ? {} : value;
    const result = this.schema.safeParse(input);
    if (result.success) return result.data;
    throw ApiError.validation(toFieldErrors(result.error));
  }
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ param: base ? `${base}.${key}` : key, message: 'unknown field' });
    } else {
      out.push({ param: base || '(body)', message: issue.message });
    }
  }
  return out;
}
