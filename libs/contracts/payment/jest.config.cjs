/** Unit tests: no network. */
module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'payment-contracts',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
