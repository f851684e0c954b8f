/** Every jest project of the workspace; `npm test` runs them all (see tools/test.mjs). */
module.exports = {
  projects: ['<rootDir>/apps/api/jest.config.cjs'],
};
