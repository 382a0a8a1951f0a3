/** Unit tests: no network (the CPU readers read /proc of this process, a child process and a worker thread). */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'local-cloud-bench',
  rootDir: __dirname,
};
