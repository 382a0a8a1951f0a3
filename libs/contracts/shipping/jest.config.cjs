/** Unit tests: no network. */
module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'shipping-contracts',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
