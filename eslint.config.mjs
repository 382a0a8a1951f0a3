// Lint for every project. The module-boundary rules here are the architecture's guard rails:
// a service imports shared libs and never another service; runtime code never pulls in the CDK;
// a service's domain folder touches neither the AWS SDK, Lambda types, the AWS-facing shared libs nor its own
// adapters, handlers and infra; production code never imports a `type:testing` project.
// tools/workspace-checks/src/module-boundaries.spec.ts proves that each rule bites.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import nx from '@nx/eslint-plugin';

const cdkImports = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'];
// The shared libs whose job is to talk to AWS (or to build its resources): adapters' and handlers' tools.
const awsFacingLibs = ['@shop/dynamodb', '@shop/messaging', '@shop/http', '@shop/cdk'].flatMap((lib) => [lib, `${lib}/*`]);

// The services: every `scope:<name>` tag of an app (apps/*/project.json), read here so that a new
// service (`npx nx g @shop/tools:service <name>`) is fenced in with no edit of this file.
const appsDir = new URL('./apps/', import.meta.url);
const services = [
  ...new Set(
    readdirSync(appsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(new URL(`${entry.name}/project.json`, appsDir)))
      .flatMap((entry) => JSON.parse(readFileSync(new URL(`${entry.name}/project.json`, appsDir), 'utf8')).tags ?? [])
      .filter((tag) => tag.startsWith('scope:') && tag !== 'scope:shared')
      .map((tag) => tag.slice('scope:'.length)),
  ),
].sort();

// Tests and their helpers (`testing/` folders beside the code they serve); everything else is production code.
const testCode = ['**/*.spec.ts', '**/testing/**/*.ts'];

const moduleBoundaries = {
  // Off: no library here is compiled on its own. Every build is an esbuild bundle that inlines the libs it
  // imports (the services' functions, the local cloud), so a "buildable" lib importing a source-only one is
  // what every bundle does, not a broken build.
  enforceBuildableLibDependency: false,
  allow: [],
  banTransitiveDependencies: true,
  depConstraints: [
    // Each service sees itself and the shared libs, never another service.
    ...services.map((service) => ({
      sourceTag: `scope:${service}`,
      onlyDependOnLibsWithTags: [`scope:${service}`, 'scope:shared'],
    })),
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    // Runtime libraries: never the CDK, never an infra lib.
    {
      sourceTag: 'type:domain',
      onlyDependOnLibsWithTags: ['type:domain'],
      bannedExternalImports: [...cdkImports, '@aws-sdk/*', 'aws-lambda'],
    },
    {
      sourceTag: 'type:util',
      onlyDependOnLibsWithTags: ['type:domain', 'type:util'],
      bannedExternalImports: cdkImports,
    },
    {
      sourceTag: 'type:data',
      onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:data'],
      bannedExternalImports: cdkImports,
    },
    // Infra libs may use runtime libs' types (e.g. names of env variables), never the reverse.
    {
      sourceTag: 'type:infra',
      onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:infra'],
    },
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:data', 'type:testing'],
      bannedExternalImports: cdkImports,
    },
    // A service's production code never ships the test fixtures: only its tests may use them (see testCode).
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:data', 'type:infra'] },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:testing'] },
    { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:testing'] },
    // Benchmarks measure a tool through its public API (`@shop/local-cloud`); nothing depends on a bench.
    { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:testing', 'type:tool'] },
  ],
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/cdk.out', '**/tmp', '**/coverage', '**/.nx'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries] },
  },
  {
    // Tests of any project, and their helpers, may use the `type:testing` projects (DynamoDB Local
    // tables, sample events); production code may not.
    files: testCode,
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...moduleBoundaries,
          depConstraints: moduleBoundaries.depConstraints.map((constraint) =>
            constraint.sourceTag.startsWith('type:') && !constraint.onlyDependOnLibsWithTags.includes('type:testing')
              ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'type:testing'] }
              : constraint,
          ),
        },
      ],
    },
  },
  {
    // Use cases and entities are plain TypeScript: no AWS SDK, no Lambda types, no CDK, none of the
    // shared libs that face AWS, and nothing of the service's own outer layers (the dependency
    // points inwards: adapters and handlers import the domain, never the reverse).
    files: ['apps/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'aws-lambda', '@aws-lambda-powertools/*'],
              message: 'src/domain is plain TypeScript: declare a port and implement it in src/adapters.',
            },
            {
              group: awsFacingLibs,
              message: 'src/domain is plain TypeScript: declare a port and implement it in src/adapters with this lib.',
            },
            { group: cdkImports, message: 'src/domain never imports the CDK.' },
            {
              regex: String.raw`^\.{1,2}/(\.\./)*(adapters|handlers|infra)(/|$)`,
              message: "src/domain never imports the service's adapters, handlers or infra: they import it.",
            },
          ],
        },
      ],
    },
  },
  {
    // Jest configs spread the root preset by relative path: build configuration, not a module dependency.
    files: ['**/jest.config.cjs', '**/jest.*.config.cjs'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Lambda code (handlers, adapters) is bundled for Lambda: the CDK belongs in src/infra only.
    files: ['apps/*/src/handlers/**/*.ts', 'apps/*/src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: cdkImports, message: 'Lambda code never imports the CDK: keep it in src/infra.' }] },
      ],
    },
  },
];
