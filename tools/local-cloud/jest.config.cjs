/** Unit tests: no network (the function runtime tests run real worker threads, on no port). */
const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'local-cloud',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
  // jose ships ES modules only: let @swc/jest turn it into CommonJS for Jest.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
