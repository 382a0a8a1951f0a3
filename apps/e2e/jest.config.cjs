/**
 * End-to-end journeys: one local cloud (started in global-setup from the services' assemblies in
 * dist/apps) shared by every *.e2e.spec.ts, driven over HTTP only.
 */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['**/*.e2e.spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  // Prints how many answers each file's contract checks passed.
  setupFilesAfterEnv: ['<rootDir>/src/support/contract-report.ts'],
  testTimeout: 30_000,
  maxWorkers: 1,
};
