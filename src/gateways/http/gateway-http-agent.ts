import { Agent } from 'undici';

/**
 * The connection pool every gateway call goes through: one per process, shared by the server and the
 * CLI, so connections to Culqi and Mercado Pago are reused across calls instead of opened per call.
 *
 * - `connections`: at most 128 sockets per origin. Calls beyond that wait in the pool's queue; the
 *   wait counts against the call's own timeout (its clock starts before dispatch).
 * - `keepAliveTimeout`: an idle socket is kept 4 s when the gateway says nothing; when it sends a
 *   `Keep-Alive: timeout=…` hint, undici closes ours a margin earlier than the gateway would, so a POST
 *   is not written onto a socket the gateway is closing (that would surface as an ambiguous `reset`).
 *
 * It is never closed on purpose: undici unrefs idle sockets and its timers, so an idle pool does not keep
 * the process (or a test worker) alive, and closing a shared pool from one Nest app's shutdown hook
 * would break another app (tests run several in one process) or a hook that still calls a gateway.
 */
export const gatewayHttpAgent = new Agent({
  connections: 128,
  keepAliveTimeout: 4_000,
  keepAliveMaxTimeout: 60_000,
});
