import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration and attack tests in test/; unit specs beside the module they cover.
    include: ['test/**/*.test.ts', 'src/**/*.spec.ts', 'machines/**/*.spec.ts'],
    // Limits that only catch a hang: no test measures real time, and with both cores busy
    // (docs/testing.md, "Under load") a test may take many times what it takes on an idle machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start loopback servers on ephemeral ports; two cores, so keep the fan-out small.
    maxWorkers: 2,
    // The AWS SDK warns once per process that its 2027 releases need Node 22; it is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
