import { z } from 'zod';
import { CURRENCIES, MAX_AMOUNT } from '../money';

/** Shared building blocks of request schemas. */
export const amountSchema = z.number().int().min(1).max(MAX_AMOUNT).describe('Integer minor units (1050 = S/ 10.50)');
export const currencySchema = z.enum(CURRENCIES);

export const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 20, { message: 'at most 20 keys' })
  .describe('Up to 20 string values; stored and returned, never sent to gateways');

export const isoTimestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp');

export const limitSchema = z.coerce.number().int().min(1).max(100).default(20);
export const cursorSchema = z.string().min(1).max(200);

/** A POST that takes no parameters (cancel, rotate-secret…): anything sent is an unknown field. */
export const emptyBodySchema = z.object({}).strict();
