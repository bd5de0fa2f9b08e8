import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

/**
 * An API key. Only its SHA-256 is stored: keys are 190+ bits of randomness, so a fast hash is
 * safe here and lets every request be authenticated by one indexed lookup.
 */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Index()
  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 64, unique: true })
  keyHash!: string;

  /** First characters of the key, to tell keys apart in listings (`sk_test_AbCd…`). */
  @Property({ type: 'string', length: 16 })
  keyPrefix!: string;

  @Property({ type: 'string', length: 8 })
  mode!: 'test' | 'live';

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp(true))
  revokedAt: Date | null = null;
}
