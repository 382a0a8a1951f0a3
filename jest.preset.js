// Shared Jest settings for every project. Each project's jest.config.cjs spreads this preset.
// @swc/jest transpiles TypeScript (type checking is the `typecheck` target's job, so tests stay fast).
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.[cm]?[tj]s$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } } }],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  clearMocks: true,
  restoreMocks: true,
};
