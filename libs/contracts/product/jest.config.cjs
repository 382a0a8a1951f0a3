/** Unit tests: no network. */
module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'product-contracts',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
