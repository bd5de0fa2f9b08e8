/**
 * What the Culqi adapter needs to talk to Culqi (or to the local sandbox, which is only a different URL).
 * Culqi has two hosts (culqi.md §1.1): `apiUrl` for every server-side call with the secret key, and
 * `secureUrl` for token creation with the public key (the adapter never creates tokens: browsers do).
 */
export interface CulqiSettings {
  /** e.g. `https://api.culqi.com/v2` (the `/v2` prefix is part of the base URL). */
  apiUrl: string;
  /** e.g. `https://secure.culqi.com/v2`. */
  secureUrl: string;
  /** `sk_test_…` / `sk_live_…`: sent as `Authorization: Bearer` on every call. */
  secretKey: string;
  /** `pk_test_…` / `pk_live_…`: handed to the front end in a 3-D Secure `next_action`. */
  publicKey: string;
  /** Per-request timeout; a charge that times out is `pending`, never retried. */
  timeoutMs: number;
}
