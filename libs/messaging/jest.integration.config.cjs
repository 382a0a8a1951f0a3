/** Integration tests: against fauxqs (SQS + SNS) and DynamoDB Local, started once for the run. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'messaging:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  testTimeout: 30_000,
  globalSetup: '<rootDir>/../testing/src/fauxqs/global-setup.ts',
  globalTeardown: '<rootDir>/../testing/src/fauxqs/global-teardown.ts',
};
