/**
 * Slow workspace checks (about a minute and a half): each builds a scratch copy of the workspace and
 * runs Nx in it (affected graph, synth cache, the service generator). Both files at once: most of
 * their time is Nx computing a project graph, on one core, between short task runs (73 s on a quiet
 * 2-core VM, against 85 s for the longer file alone and ~130 s one after the other).
 */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'workspace-checks:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  maxWorkers: 2,
};
