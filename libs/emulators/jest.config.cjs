/** Unit tests: no network, no Java. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'emulators',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
