// Shared Jest settings for every project. Each project's jest.config.cjs spreads this preset.
// @swc/jest transpiles TypeScript (type checking is the `typecheck` target's job, so tests stay fast).
const nxPreset = require('@nx/jest/preset').default;

// aws-cdk-lib validates every synthesized template with a WebAssembly rules engine that it builds
// anew for each synth (~1 s of CPU, most of a small stack's synth). The tests synthesize hundreds
// of stacks to assert on their templates, which that validation does not read (it only warns);
// the services' `synth` targets, which produce what is deployed, keep it. Set before any test
// file runs, so Jest's workers and the processes the tests spawn inherit it.
process.env.CDK_VALIDATION ??= 'false';

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    // Jest loads a globalSetup with Node's resolver, which knows no tsconfig paths: swc rewrites
    // the @shop/* imports of the shared DynamoDB Local setups into relative ones.
    '(/libs/testing/src/dynamodb-local/global-setup|\\.global-(setup|teardown))\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2023',
          parser: { syntax: 'typescript' },
          baseUrl: __dirname,
          paths: require('./tsconfig.base.json').compilerOptions.paths,
        },
      },
    ],
    '^.+\\.[cm]?[tj]s$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } } }],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // @middy/* ship ESM only (their exports have just an "import" condition, which Jest's CommonJS resolver
  // cannot see): point Jest at their entry files and let swc turn them into CommonJS like our own code.
  moduleNameMapper: { '^@middy/(core|util)$': require('node:path').join(__dirname, 'node_modules/@middy/$1/index.js') },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  clearMocks: true,
  restoreMocks: true,
};
