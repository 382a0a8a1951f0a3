// Lint for every project. The module-boundary rules here are the architecture's guard rails:
// a service imports shared libs and never another service; runtime code never pulls in the CDK;
// a service's domain folder never touches the AWS SDK or Lambda types. tools/boundaries tests that each rule bites.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import nx from '@nx/eslint-plugin';

const cdkImports = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'];

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

const moduleBoundaries = {
  enforceBuildableLibDependency: true,
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
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:data', 'type:infra', 'type:testing'] },
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
    // Tests of any project may use the shared test fixtures (DynamoDB Local tables, sample events);
    // production code of data/util libs still may not.
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', { ...moduleBoundaries, allow: ['@shop/testing'] }] },
  },
  {
    // Use cases and entities are plain TypeScript: no AWS SDK, no Lambda types, no CDK.
    files: ['apps/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', 'aws-lambda', '@aws-lambda-powertools/*'], message: 'src/domain is plain TypeScript: declare a port and implement it in src/adapters.' },
            { group: cdkImports, message: 'src/domain never imports the CDK.' },
          ],
        },
      ],
    },
  },
  {
    // Jest configs spread the root preset by relative path: build configuration, not a module dependency.
    files: ['**/jest.config.cjs', '**/jest.integration.config.cjs'],
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
