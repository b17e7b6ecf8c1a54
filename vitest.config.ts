import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Some tests spawn the CLI or render PDFs; on a busy 2-core CI machine 5 s is not a meaningful limit.
    testTimeout: 30_000,
  },
});
