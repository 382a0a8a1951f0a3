/** Unit tests: no network. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'clients',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
