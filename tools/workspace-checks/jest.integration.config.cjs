/**
 * Slow workspace checks (about two minutes): each builds a scratch copy of the workspace and runs
 * Nx in it (affected graph, synth cache, the service generator). One file at a time: each runs
 * Nx tasks with parallel 2 already.
 */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'workspace-checks:integration',
  rootDir: __dirname,
  testMatch: ['**/*.int.spec.ts'],
  maxWorkers: 1,
};
