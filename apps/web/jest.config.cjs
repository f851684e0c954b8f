// Component tests for the portal: jsdom, HTTP faked with Angular's HttpTestingController.
const { createCjsPreset } = require('jest-preset-angular/presets');

module.exports = {
  displayName: 'web',
  ...createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' }),
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  // The same jsdom stubs (matchMedia, canvas, ResizeObserver) as the terminal library it hosts.
  setupFilesAfterEnv: ['<rootDir>/../../libs/web/log-viewer/src/test-setup.ts'],
  moduleNameMapper: {
    '^@ml-portal/contracts$': '<rootDir>/../../libs/shared/contracts/src/index.ts',
    '^@ml-portal/log-viewer$': '<rootDir>/../../libs/web/log-viewer/src/index.ts',
  },
  // the first test of a file compiles Angular Material's components just in time; on a busy machine that is slow
  testTimeout: 20_000,
  coverageDirectory: '../../coverage/apps/web',
};
