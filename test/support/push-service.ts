import { createCipheriv, createECDH, randomBytes } from 'node:crypto';
import { deriveContentKeys, recordNonce } from '../../src/sandbox/push/push-key-schedule';
import { PushSimulator, type BrowserSubscription } from '../../src/sandbox/push/push-simulator';
import type { ReceivedPush, RejectedPush } from '../../src/sandbox/push/push-store';
import type { VapidClaims } from '../../src/sandbox/push/push-vapid';

// The sandbox's push service simulator (src/sandbox/push/), started alone for tests that talk to it
// directly rather than through a Sandbox and its control endpoints: a browser push service written from
// RFC 8030/8188/8291/8292 with node:crypto only, so an independent check of what a sender puts on the wire.

export type TestSubscription = BrowserSubscription;
export type { VapidClaims };

export type { ReceivedPush, RejectedPush };

export interface PushService {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM certificate of the server, for `new https.Agent({ ca })`. */
  ca: string;
  /** Every push that passed all checks, in arrival order (including those answered with a respondNext status). */
  readonly received: ReceivedPush[];
  /** Every refused push, in arrival order. */
  readonly rejected: RejectedPush[];
  /**
   * A browser-side subscription: fresh P-256 ECDH key pair and 16-byte auth secret, private half kept by the
   * simulator. With `applicationServerKey` set, pushes signed under another VAPID key get 403 (RFC 8292 §4.2).
   */
  newSubscription(options?: { applicationServerKey?: string }): TestSubscription;
  /** Answer the next `times` valid pushes with `status` (e.g. 410, 429, 500) instead of 201. */
  respondNext(status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushService> {
  const simulator = new PushSimulator({ host: '127.0.0.1', port: 0, now: () => Date.now() });
  await simulator.start();
  const { store } = simulator;
  return {
    url: simulator.baseUrl,
    ca: simulator.ca,
    get received() {
      return store.received;
    },
    get rejected() {
      return store.rejected;
    },
    newSubscription(options = {}) {
      const subscription = simulator.subscribe(options);
      if (!subscription) throw new Error('applicationServerKey is not a base64url uncompressed P-256 public key');
      return subscription;
    },
    respondNext(status, times = 1) {
      simulator.respondNext(status, times);
    },
    close: () => simulator.close(),
  };
}

/**
 * The sending side of RFC 8291/8188, for tests that hand-craft bodies: several records (`rs` small) or a
 * wrong delimiter in the last record. Uses the simulator's own key schedule, so it proves framing, not interop.
 */
export function encryptForTest(subscription: TestSubscription, plaintext: Buffer, options: { rs?: number; lastDelimiter?: number } = {}): Buffer {
  const rs = options.rs ?? 4096;
  const server = createECDH('prime256v1');
  const asPublic = server.generateKeys();
  const uaPublic = Buffer.from(subscription.keys.p256dh, 'base64url');
  const salt = randomBytes(16);
  const authSecret = Buffer.from(subscription.keys.auth, 'base64url');
  const { cek, nonce } = deriveContentKeys(server.computeSecret(uaPublic), authSecret, uaPublic, asPublic, salt);
  const header = Buffer.alloc(21);
  salt.copy(header, 0);
  header.writeUInt32BE(rs, 16);
  header[20] = 65;
  const chunk = rs - 17; // each record: data, one delimiter byte, 16-byte tag
  const count = Math.max(1, Math.ceil(plaintext.length / chunk));
  const records: Buffer[] = [];
  for (let seq = 0; seq < count; seq += 1) {
    const last = seq === count - 1;
    const delimiter = last ? (options.lastDelimiter ?? 2) : 1;
    const cipher = createCipheriv('aes-128-gcm', cek, recordNonce(nonce, seq));
    const data = Buffer.concat([plaintext.subarray(seq * chunk, (seq + 1) * chunk), Buffer.from([delimiter])]);
    records.push(cipher.update(data), cipher.final(), cipher.getAuthTag());
  }
  return Buffer.concat([header, asPublic, ...records]);
}
