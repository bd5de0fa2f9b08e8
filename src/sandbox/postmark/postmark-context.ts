import type { Clock, SimRequest } from '../sim-types';
import type { OutgoingMessage, PostmarkStore, StoredMessage } from './postmark-store';

/** The literal token that validates a send without storing or delivering it (postmark.md A1). */
export const TEST_TOKEN = 'POSTMARK_API_TEST';

/** What every Postmark route needs: state, time, the server's id and the hand-over of accepted messages. */
export interface PostmarkContext {
  store: PostmarkStore;
  now: Clock;
  serverId: number;
  /** Stores an accepted message and schedules its Delivery/Bounce/SpamComplaint events. */
  accept(message: OutgoingMessage): StoredMessage;
}

/** Header name and value are both case-insensitive at Postmark (postmark.md A1); Node lowercases the name. */
export function tokenOf(req: SimRequest): string | undefined {
  const value = req.headers['x-postmark-server-token'];
  return Array.isArray(value) ? value[0] : value;
}

export function sameToken(given: string | undefined, expected: string): boolean {
  return given !== undefined && given.trim().toLowerCase() === expected.toLowerCase();
}

export function isTestToken(req: SimRequest): boolean {
  return sameToken(tokenOf(req), TEST_TOKEN);
}
