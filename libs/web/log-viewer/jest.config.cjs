// Component tests for the log viewer: jsdom, with xterm.js running for real and only HTTP and EventSource faked.
const { createCjsPreset } = require('jest-preset-angular/presets');

module.exports = {
  displayName: 'log-viewer',
  ...createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' }),
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  moduleNameMapper: {
    '^@ml-portal/contracts$': '<rootDir>/../../shared/contracts/src/index.ts',
  },
  // the first test of a file compiles Angular Material's components just in time; on a busy machine that is slow
  testTimeout: 20_000,
  coverageDirectory: '../../../coverage/libs/web/log-viewer',
};
