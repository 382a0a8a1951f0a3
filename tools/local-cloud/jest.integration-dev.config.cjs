/**
 * Watch mode's integration file (src/dev.int.spec.ts): the built local cloud on the services' local assemblies
 * (`local-cloud:assemblies`), so Nx runs it after them, while the other integration files start at once.
 */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'local-cloud:integration-dev',
  rootDir: __dirname,
  testMatch: ['**/dev.int.spec.ts'],
  testTimeout: 60_000,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
