/**
 * Integration tests: start the built local cloud (dist/tools/local-cloud) on the hand-written fixture assemblies.
 * Two files at a time (Jest's default on 2 cores is one): each starts a local cloud of its own on free
 * ports and a state folder of its own, and much of a file's time is spent waiting (retry back-offs,
 * schedules, a cron rule's minute), so the longest task of `npm test` takes about half as long.
 * One DynamoDB Local serves them all (see src/testing/shared-dynamodb.global-setup.ts).
 */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'local-cloud:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/src/testing/shared-dynamodb.global-setup.ts',
  globalTeardown: '<rootDir>/src/testing/shared-dynamodb.global-teardown.ts',
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
