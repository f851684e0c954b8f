/** Every jest project of the workspace; `npm test` runs them all (see tools/test.mjs). */
module.exports = {
  // Integration tests start real processes and servers; per-project testTimeout is ignored under `projects`.
  testTimeout: 60_000,
  projects: [
    '<rootDir>/apps/api/jest.config.cjs',
    '<rootDir>/libs/web/log-viewer/jest.config.cjs',
    '<rootDir>/apps/web/jest.config.cjs',
    '<rootDir>/apps/web-e2e/jest.config.cjs',
  ],
};
