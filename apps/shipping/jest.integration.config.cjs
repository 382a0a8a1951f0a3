/**
 * Integration tests: against DynamoDB Local (repository, consumer, router) and fauxqs (SQS + SNS, for
 * the relay and the replay publishing to a topic), both started once for the run by @shop/testing.
 */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'shipping:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  testTimeout: 30_000,
  globalSetup: '<rootDir>/../../libs/testing/src/fauxqs/global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/testing/src/fauxqs/global-teardown.ts',
};
