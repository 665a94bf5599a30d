import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import packages by their public name; resolve them to each package's only public surface. The private test
// doubles under testing/ are @deliverkit/testing-<folder>.
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
const testingDir = fileURLToPath(new URL('./testing/', import.meta.url));

// Three projects: pure unit tests (no services), integration tests against the real services
// the test bed starts (registries, buildah, dockerd), and e2e tests that run the bundled dist/.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@deliverkit\/testing-([a-z0-9-]+)$/, replacement: `${testingDir}$1/src/index.ts` },
      { find: /^@deliverkit\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
    ],
  },
  test: {
    // @actions/workflow-parser imports JSON without `with {type:'json'}`; inlining lets Vite load it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.itg.test.ts', 'test/e2e/**'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.itg.test.ts'],
          // Real clusters, registries and builders on a 2-core machine: a test that fails once is run once more,
          // and scripts/lib/tally.mjs names every test that needed it (with its first error) at the end of CI's log.
          retry: 1,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
