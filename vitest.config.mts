import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const SUITES: Record<string, string[]> = {
  all: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
  browser: ['test/browser/**/*.test.ts'],
  e2e: ['test/e2e/**/*.test.ts'],
  leaks: ['test/leaks/**/*.test.ts'],
  contract: ['test/contract/**/*.test.ts'],
  crash: ['test/crash/**/*.test.ts'],
};

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    // VITEST_SUITE picks what runs: all (unit + e2e + browser, default), browser (the dashboard in Chromium), e2e (the database suites, for the
    // MariaDB pass), leaks (the log check that runs after both passes), contract (real gateways) or crash
    // (SIGKILL under load, MariaDB only).
    include: SUITES[process.env.VITEST_SUITE ?? 'all'] ?? SUITES.all,
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
