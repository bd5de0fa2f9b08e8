#!/usr/bin/env bash
# SmartPay's whole test command (`npm test`): lint, typecheck, the suite on SQLite, the database
# suites again on MariaDB/MySQL when SMARTPAY_TEST_MYSQL_URL is set (plus the crash suite, MariaDB/MySQL only),
# then the log leak check.
set -uo pipefail
cd "$(dirname "$0")/.."

rm -rf test-output && mkdir -p test-output/logs
status=0
failed_steps=""
current=""
step() { current="$*"; echo; echo "==> $*"; }
# Marks the current step failed; the summary at the end lists every failed step.
fail() { status=1; failed_steps="${failed_steps}${current};"; }

step "lint" && npx eslint . || fail
step "typecheck" && npx tsc -p tsconfig.json --noEmit && npx tsc -p admin-ui/tsconfig.json || fail
step "build" && node scripts/build.mjs || fail

step "tests on SQLite"
TEST_DB=sqlite VITEST_SUITE=all npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/sqlite.json || fail

if [ -n "${SMARTPAY_TEST_MYSQL_URL:-}" ]; then
  step "database tests on MariaDB/MySQL (${SMARTPAY_TEST_MYSQL_URL%%@*}@…)"
  TEST_DB=mysql VITEST_SUITE=e2e npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/mysql.json || fail
else
  echo
  echo "SKIPPED: the MariaDB/MySQL pass of the database suites — set SMARTPAY_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/ to run it (.ci/run always does)."
fi

step "crash suite: SIGKILL under load on MariaDB/MySQL, then reconciliation"
if [ -n "${SMARTPAY_TEST_MYSQL_URL:-}" ]; then
  TEST_DB=mysql VITEST_SUITE=crash npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/crash.json || fail
else
  echo "SKIPPED: the crash suite (compiled SmartPay killed under load, MariaDB/MySQL only) — set SMARTPAY_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/ to run it."
fi

step "contract tests against the real gateways' test environments"
if [ -n "${CULQI_TEST_SECRET_KEY:-}${MERCADOPAGO_TEST_ACCESS_TOKEN:-}" ]; then
  VITEST_SUITE=contract npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/contract.json || fail
else
  echo "SKIPPED: contract tests against the real Culqi / Mercado Pago test environments — set CULQI_TEST_PUBLIC_KEY + CULQI_TEST_SECRET_KEY and/or MERCADOPAGO_TEST_PUBLIC_KEY + MERCADOPAGO_TEST_ACCESS_TOKEN to run them."
fi

step "benchmark smoke (pipeline only, about 15 s, no assertions on numbers)"
node bench/run.mjs --smoke || fail

step "no secrets in the logs of this run"
VITEST_SUITE=leaks npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/leaks.json || fail

node scripts/test-summary.mjs "$failed_steps" test-output/sqlite.json test-output/mysql.json test-output/crash.json test-output/contract.json test-output/leaks.json || fail
exit $status
