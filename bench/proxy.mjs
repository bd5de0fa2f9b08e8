// A tiny round-robin HTTP proxy for the scale-out run: each request goes to the next upstream in turn over
// keep-alive connections; bodies are streamed both ways. Env: PROXY_UPSTREAMS ("127.0.0.1:3001,127.0.0.1:3002",
// loopback only), PROXY_PORT (0 = any). Prints {"port":N} once listening. GET /_proxy → per-upstream counts.
import { createServer, request, Agent } from 'node:http';

const upstreams = (process.env.PROXY_UPSTREAMS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map((hostPort) => {
    const [host, port] = hostPort.split(':');
    if (!['127.0.0.1', 'localhost'].includes(host)) throw new Error(`upstream ${hostPort} is not a loopback address`);
    return { host, port: Number(port), requests: 0, errors: 0 };
  });
if (upstreams.length === 0) throw new Error('PROXY_UPSTREAMS is empty');

const agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 1000 });
let next = 0;

const server = createServer((req, res) => {
  if (req.url === '/_proxy') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(upstreams.map(({ host, port, requests, errors }) => ({ upstream: `${host}:${port}`, requests, errors }))));
    return;
  }
  const upstream = upstreams[next];
  next = (next + 1) % upstreams.length;
  upstream.requests++;
  const headers = { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1' };
  const outgoing = request({ host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  outgoing.on('error', () => {
    upstream.errors++;
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ status: 502, code: 'bad_gateway', title: 'Upstream unavailable' }));
    } else res.destroy();
  });
  req.pipe(outgoing);
});
server.keepAliveTimeout = 5_000;

server.listen(Number(process.env.PROXY_PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  agent.destroy();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
