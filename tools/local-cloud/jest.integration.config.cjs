/** Integration tests: start the built local cloud (dist/tools/local-cloud) on the hand-written fixture assemblies. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'local-cloud:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  testTimeout: 60_000,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
