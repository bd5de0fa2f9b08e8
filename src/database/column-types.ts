import { BigIntType, JsonType, type Platform, type PropertyOptions, type TransformContext } from '@mikro-orm/core';

/**
 * Money is integer minor units in BIGINT columns, mapped to JS numbers (JSON cannot carry bigint);
 * services guard every amount with Number.isSafeInteger before it reaches the database.
 */
export const money = (): PropertyOptions<object> => ({ type: new BigIntType('number'), default: 0 });

/** Timestamps keep milliseconds on every database (DATETIME(3) on MySQL/MariaDB). */
export const timestamp = (nullable = false): PropertyOptions<object> => ({ type: 'datetime', length: 3, nullable });

/**
 * JSON stored as JSON. MariaDB's JSON is LONGTEXT underneath, so the MySQL driver hands back text
 * there (MySQL 8 hands back objects): parse whatever arrives as a string.
 */
export class PortableJsonType extends JsonType {
  override convertToJSValue(value: unknown, platform: Platform, context?: TransformContext): unknown {
    if (typeof value === 'string') return JSON.parse(value) as unknown;
    return super.convertToJSValue(value, platform, context);
  }
}

export const json = (): PropertyOptions<object> => ({ type: PortableJsonType });
