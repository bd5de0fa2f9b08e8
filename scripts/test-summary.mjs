// Adds up the vitest JSON reports of one `npm test` run into a single closing line, and names the steps
// that failed, so a red run says why even when every test passed (a suite that failed to load, an
// unhandled error, lint).
import { existsSync, readFileSync } from 'node:fs';

const [failedSteps = '', ...files] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let failedFiles = 0;
const failures = [];
for (const file of files) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // numFailedTestSuites counts describe blocks too (one failing test fails its file and its describe): count files.
  failedFiles += (report.testResults ?? []).filter((r) => r.status === 'failed').length;
  // A file can fail with every test passed (a hook that timed out, a suite that did not load): name it and
  // say why here, at the very end of the output, where a truncated CI log still shows it.
  for (const result of report.testResults ?? []) {
    if (result.status !== 'failed') continue;
    const plain = (text) => String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').trim();
    // Each failed test with the first lines of its own failure (an assertion's diff, a timeout), so the
    // tail of a CI log says what broke, not only where.
    const failedTests = (result.assertionResults ?? [])
      .filter((a) => a.status === 'failed')
      .slice(0, 5)
      .map((a) => `failed: ${a.fullName}` + (a.failureMessages?.length ? `\n      ${plain(a.failureMessages[0]).slice(0, 800).replace(/\n/g, '\n      ')}` : ''));
    const why = plain(result.message).slice(0, 600);
    failures.push(`${file}: ${result.name.replace(process.cwd() + '/', '')}` +
      (failedTests.length ? `\n    ${failedTests.join('\n    ')}` : '') +
      (why ? `\n    ${why.replace(/\n/g, '\n    ')}` : ''));
  }
}
if (failures.length > 0) console.log(`\nFailed test files:\n  ${failures.join('\n  ')}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped, ${failedFiles} test files failed`);
const steps = failedSteps.split(';').filter(Boolean);
if (steps.length > 0) console.log(`FAILED steps: ${steps.join('; ')}`);
process.exit(failed > 0 || failedFiles > 0 || passed === 0 || steps.length > 0 ? 1 : 0);
