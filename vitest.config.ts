import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start loopback servers on ephemeral ports; two cores, so keep the fan-out small.
    maxWorkers: 2,
  },
});
