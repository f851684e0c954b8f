/**
 * Browser test: the built app (`node dist/apps/api/main.js`, which serves dist/apps/web/browser at /) on a fresh
 * database, driven in Debian's Chromium through playwright-core. Needs `npm run build` first and a PostgreSQL
 * server in TEST_DATABASE_URL or DATABASE_URL (tools/test.mjs provides both).
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript' },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  displayName: 'e2e',
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/apps/web-e2e'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@ml-portal/contracts$': '<rootDir>/libs/shared/contracts/src/index.ts',
  },
  testTimeout: 180_000,
};
