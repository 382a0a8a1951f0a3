/** Integration tests: start and stop real DynamoDB Local processes (Java 17+). */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'emulators:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  testTimeout: 90_000,
};
