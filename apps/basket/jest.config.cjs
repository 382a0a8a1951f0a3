/** Unit tests: no network. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'basket',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
