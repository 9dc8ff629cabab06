import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The failover test brings up a pg_auto_failover formation: `npm run test:ha` (vitest.ha.config.ts).
    exclude: ['test/ha/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
