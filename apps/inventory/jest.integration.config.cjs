/** Integration tests: against DynamoDB Local, started once for the run by @shop/testing. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'inventory:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  globalSetup: '<rootDir>/../../libs/testing/src/dynamodb-local/global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/testing/src/dynamodb-local/global-teardown.ts',
};
