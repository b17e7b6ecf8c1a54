import { defineConfig } from 'vitest/config';

// Browser tests: real Debian Chromium driven by playwright-core against the production build, one file at a time.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    globalSetup: ['tests/e2e/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    environment: 'node',
  },
});
