import { defineConfig } from 'vitest/config';

/** `npm run test:ha`: the failover test on a pg_auto_failover formation (test/ha), apart from the suite. */
export default defineConfig({
  test: {
    include: ['test/ha/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 600_000,
  },
});
