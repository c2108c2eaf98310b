import { defineConfig } from 'vitest/config';

// Integration tests start real clusters (each ~300 MB, seconds to boot) on a 2-core machine:
// files run one at a time, with long timeouts, and no retries that could hide a flake.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // json: CI prints the totals from it as one plain line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    pool: 'forks',
  },
});
