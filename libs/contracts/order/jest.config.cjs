/** Unit tests: no network. */
module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'order-contracts',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
