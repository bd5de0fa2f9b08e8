// Per-request cost of the security headers and the API rate limiter, timed alone over the built code
// (node scripts/build.mjs, then: node bench/hardening-micro.cjs). See README.md, "Before and after (hardening…)".
const { securityHeaders } = require('../dist/common/http/security-headers.js');
const { RateLimits } = require('../dist/common/rate-limit/rate-limits.js');
const { loadConfig } = require('../dist/config/app-config.js');
const config = loadConfig({ SMARTPAY_RATE_LIMIT_API: '1000000000/60s' });
const mw = securityHeaders(config);
const limits = new RateLimits(config);
const { ServerResponse } = require('node:http');
function mockRes() { return new ServerResponse({ method: 'POST', httpVersionMajor: 1, httpVersionMinor: 1, headers: {} }); }
const req = { method: 'POST', url: '/v1/orders', headers: {} };
async function time(label, n, fn) {
  for (let i = 0; i < 20000; i++) await fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`${label}: ${us.toFixed(2)} µs per request`);
}
(async () => {
  const N = 200000;
  for (let round = 0; round < 2; round++) {
    await time('helmet (API CSP)', N, () => new Promise((r) => mw(req, mockRes(), r)));
    await time('RateLimits.consume(api), 50 keys', N, (i) => limits.consume('api', `key_${i % 50}`));
    await time('baseline: an empty awaited promise', N, () => Promise.resolve());
    await time('baseline: a new ServerResponse alone', N, () => { mockRes(); return Promise.resolve(); });
  }
})();
