/** Unit tests: no network. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'order',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
