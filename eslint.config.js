import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'worker_threads', 'process', 'crypto'];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'web/dist/', 'test-results/', 'drizzle/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The import boundary: core is pure (no I/O, no clock, no env) and knows nothing of modules or adapters.
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/**', '**/adapters/**'],
              message: 'src/core must not import from modules or adapters.',
            },
            { group: ioModules.flatMap((m) => [m, `node:${m}`]), message: 'src/core is pure: no I/O.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core is pure: no env.' },
        { name: 'Date', message: 'src/core is pure: no clock (dates are ISO strings).' },
        { name: 'fetch', message: 'src/core is pure: no I/O.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'src/core is pure: randomness comes in as a seeded generator.',
        },
      ],
    },
  },
  {
    // Modules know nothing of adapters (the database, HTTP, CLI and workers plug them in); their
    // tests may open a test database or start a worker pool, never the HTTP adapter.
    files: ['src/modules/**/*.ts'],
    ignores: ['src/modules/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/adapters/**'], message: 'modules must not import adapters.' }] },
      ],
    },
  },
  {
    files: ['src/modules/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/adapters/http/**'], message: 'modules must not import adapters/http.' }] },
      ],
    },
  },
);
