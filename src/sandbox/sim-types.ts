import type { IncomingHttpHeaders } from 'node:http';

/** Milliseconds since the epoch; injectable so tests can move time (token expiry, 3-D Secure deadlines). */
export type Clock = () => number;

/** One request to a simulator, already read and parsed (the simulators never touch sockets themselves). */
export interface SimRequest {
  method: string;
  /** Path without query and without a trailing slash (both forms reach the same route, as at the real APIs). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON (or form fields as a record); `undefined` for an empty body. */
  body: unknown;
  /** Set when a body was sent that is not valid JSON. */
  invalidJson: boolean;
  params: Record<string, string>;
  remoteAddress: string;
}

/** What a simulator answers; the server writes it (possibly late, or never, under a fault). */
export interface SimResponse {
  status: number;
  /** Serialised as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export function json(status: number, body: unknown, headers?: Record<string, string>): SimResponse {
  return { status, body, headers };
}
