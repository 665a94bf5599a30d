import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '**/node_modules/**',
      '.tools/**',
      '.testbed/**',
      'test/fixtures/**',
      'packages/image-record/src/validate.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Product code (what is bundled into dist/): never the test doubles, and other packages only through their
    // public index (`@deliverkit/<name>`), never by a path into their sources.
    files: ['packages/*/src/**/*.ts', 'actions/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/testing/**', '**/test/**', '@deliverkit/testing-*'],
              message: 'Product code may not import test doubles or test support.',
            },
            {
              group: [
                '@deliverkit/*/*',
                '**/packages/*/src/**',
                '**/actions/*/src/**',
                '../../*/src/**',
                '../../../*/src/**',
              ],
              message: 'Import another package through its index: @deliverkit/<name>.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests, benchmarks and scripts use every package under testing/ (testbed, k8s-emulator, sigstore, github) through
    // its package name (its src/index.ts names every export), never by a path into its folder or sources.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/testing/*', '**/testing/*/**', '@deliverkit/testing-*/**'],
              message: 'Import a package under testing/ by its name: @deliverkit/testing-<folder>.',
            },
          ],
        },
      ],
    },
  },
);
