/** Unit tests of the generators' pure parts (the generator itself runs in tools/workspace-checks' integration). */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'shop-plugin',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '/files/'],
};
