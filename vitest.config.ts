import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // Our sources must get the same graphql module as the libraries: Vite would pick graphql's
  // ESM build for our files while Node gives Apollo and graphql-ws its CommonJS build, and
  // graphql refuses schemas and errors "from another module or realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    // Each package's own tests sit beside it (kit/test, gateway/test, subgraphs/<name>/test, …); tests that boot the
    // whole platform, and the deployment's, are in test/.
    include: ['test/**/*.test.ts', '{kit,gateway,platform,scripts}/test/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests start real servers and databases: give each file its own process,
    // and no more files at once than this 2-core machine can run.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
