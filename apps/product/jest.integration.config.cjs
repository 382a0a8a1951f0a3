/**
 * Integration tests: against DynamoDB Local (repository, router) and fauxqs (SQS + SNS, for the
 * outbox relay publishing to a topic), both started once for the run by @shop/testing.
 */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'product:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  testTimeout: 30_000,
  globalSetup: '<rootDir>/../../libs/testing/src/fauxqs/global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/testing/src/fauxqs/global-teardown.ts',
};
