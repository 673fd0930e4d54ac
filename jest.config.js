// Unit tests import pure modules from src/ directly. End-to-end tests never load NestJS into jest
// (NestJS 12 ships as ES modules, which jest's CommonJS runtime cannot require): they start the
// compiled service as a real process (`npm run build` runs first) and talk to it over HTTP.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-e2e-setup.ts'],
      testTimeout: 60000,
    },
  ],
};
