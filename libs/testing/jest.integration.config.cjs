/** Integration tests: against DynamoDB Local, started once for the run by @shop/testing. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'testing:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  globalSetup: '<rootDir>/src/dynamodb-local/global-setup.ts',
  globalTeardown: '<rootDir>/src/dynamodb-local/global-teardown.ts',
};
