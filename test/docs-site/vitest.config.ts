import { defineConfig } from 'vitest/config';

// The docs site's browser tests, against the production build (npm run test:docs builds it
// first, under a base path). Not part of `npm test`: the build with twoslash takes a minute.
// One file at a time: each drives Chromium, and lesson pages run two workers each.
export default defineConfig({
  test: {
    root: `${__dirname}/../..`,
    include: ['test/docs-site/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
