import { BigIntType, type PropertyOptions } from '@mikro-orm/core';

/**
 * Money is integer minor units in BIGINT columns, mapped to JS numbers (JSON cannot carry bigint);
 * services guard every amount with Number.isSafeInteger before it reaches the database.
 */
export const money = (): PropertyOptions<object> => ({ type: new BigIntType('number'), default: 0 });

/** Timestamps keep milliseconds on every database (DATETIME(3) on MySQL/MariaDB). */
export const timestamp = (nullable = false): PropertyOptions<object> => ({ type: 'datetime', length: 3, nullable });
