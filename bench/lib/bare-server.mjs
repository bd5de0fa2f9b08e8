// The HTTP plumbing both yardsticks share: node:http with nothing on top (that is the point of a
// yardstick), JSON in and out, the port announced on stdout for the bench to read, and a clean stop that
// closes the store (its database) on SIGTERM/SIGINT.
import { createServer } from 'node:http';

export function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The request body as JSON; null when it is not JSON. */
export async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

/** Serves `handle(req, res)` on 127.0.0.1:`port` (0: any) until a signal; a throw answers 500 internal_error. */
export function serve(handle, { port, store }) {
  const server = createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch (err) {
      console.error(err);
      if (!res.headersSent) send(res, 500, { code: 'internal_error' });
    }
  });
  server.keepAliveTimeout = 5_000;
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    store.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}
