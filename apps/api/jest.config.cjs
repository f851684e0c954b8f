/** API tests: unit specs beside the code, integration specs in test/, all against a real PostgreSQL. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  displayName: 'api',
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/apps/api'],
  testMatch: ['**/*.spec.ts'],
  // Nest 12 ships ESM only: its files go through swc too.
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  moduleNameMapper: {
    '^@ml-portal/contracts$': '<rootDir>/libs/shared/contracts/src/index.ts',
    '^@ml-portal/migrations$': '<rootDir>/migrations/index.ts',
  },
  testTimeout: 60_000,
};
