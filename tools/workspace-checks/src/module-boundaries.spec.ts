import path from 'node:path';
import { startLinter, type Linter } from './testing/lint-client';

jest.setTimeout(60_000);

/**
 * Proves the architecture's lint rules still bite: each case lints a small piece of code as if it
 * lived at `filePath` in the workspace, with the real root eslint.config.mjs, in one ESLint process
 * (its own, as `nx lint` runs it) that loads the config and the project graph once for all cases.
 */
const workspaceRoot = path.resolve(__dirname, '../../..');

let linter: Linter;
beforeAll(() => {
  linter = startLinter(workspaceRoot);
});
afterAll(() => linter?.close());

const lint = (filePath: string, code: string): Promise<string[]> => linter.errors(filePath, code);

describe('module boundaries', () => {
  it('rejects an app importing another app', async () => {
    const errors = await lint(
      'apps/product/src/handlers/boundary-probe.ts',
      "import { PlatformStack } from '../../../platform/src/infra/platform-stack';\nexport const probe = PlatformStack;\n",
    );
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('rejects a runtime lib importing aws-cdk-lib', async () => {
    const errors = await lint(
      'libs/http/src/boundary-probe.ts',
      "import { Duration } from 'aws-cdk-lib';\nexport const probe = Duration.seconds(1);\n",
    );
    expect(errors).toEqual([expect.stringContaining('@nx/enforce-module-boundaries')]);
  });

  it('rejects a service domain folder importing the AWS SDK', async () => {
    const errors = await lint(
      'apps/product/src/domain/boundary-probe.ts',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const probe = DynamoDBClient;\n",
    );
    expect(errors).toEqual([expect.stringContaining('no-restricted-imports')]);
  });

  it('rejects Lambda handler code importing the CDK', async () => {
    const errors = await lint(
      'apps/product/src/handlers/boundary-probe.ts',
      "import { Stack } from 'aws-cdk-lib';\nexport const probe = Stack;\n",
    );
    expect(errors).toEqual([expect.stringContaining('no-restricted-imports')]);
  });

  it.each(['@shop/dynamodb', '@shop/messaging', '@shop/http', '@shop/cdk'])(
    'rejects a service domain folder importing the AWS-facing lib %s',
    async (lib) => {
      const errors = await lint('apps/product/src/domain/boundary-probe.ts', `import * as lib from '${lib}';\nexport const probe = lib;\n`);
      expect(errors).toEqual([expect.stringContaining('no-restricted-imports')]);
    },
  );

  it.each([
    ['apps/product/src/domain/boundary-probe.ts', '../adapters/product.repository'],
    ['apps/product/src/domain/boundary-probe.ts', '../handlers/router.handler'],
    ['apps/product/src/domain/boundary-probe.ts', '../infra/product-stack'],
    ['apps/product/src/domain/testing/boundary-probe.ts', '../../adapters/product.repository'],
  ])("rejects %s importing the service's outer layer %s", async (filePath, specifier) => {
    const errors = await lint(filePath, `import * as outer from '${specifier}';\nexport const probe = outer;\n`);
    expect(errors).toEqual([expect.stringContaining('no-restricted-imports')]);
  });

  it.each(['apps/product/src/handlers/boundary-probe.ts', 'apps/product/src/infra/boundary-probe.ts', 'libs/http/src/boundary-probe.ts'])(
    'rejects production code %s importing a type:testing project',
    async (filePath) => {
      const errors = await lint(filePath, "import { fakeLambdaContext } from '@shop/testing';\nexport const probe = fakeLambdaContext;\n");
      expect(errors).toEqual([expect.stringContaining('@nx/enforce-module-boundaries')]);
    },
  );

  it.each([
    'apps/product/src/handlers/boundary-probe.spec.ts',
    'apps/product/src/handlers/boundary-probe.int.spec.ts',
    'apps/product/src/handlers/testing/boundary-probe.ts',
    'libs/http/src/boundary-probe.spec.ts',
  ])('accepts test code %s importing a type:testing project', async (filePath) => {
    const errors = await lint(filePath, "import { fakeLambdaContext } from '@shop/testing';\nexport const probe = fakeLambdaContext;\n");
    expect(errors).toEqual([]);
  });

  it('accepts a service domain importing the shared domain lib', async () => {
    const errors = await lint(
      'apps/product/src/domain/boundary-probe.ts',
      "import * as shared from '@shop/domain';\nexport const probe = shared;\n",
    );
    expect(errors).toEqual([]);
  });

  it("accepts a benchmark importing the local cloud's public API", async () => {
    const errors = await lint(
      'tools/local-cloud-bench/src/boundary-probe.ts',
      "import { freePort } from '@shop/local-cloud';\nexport const probe = freePort;\n",
    );
    expect(errors).toEqual([]);
  });

  it("rejects a benchmark reaching into the local cloud's internals", async () => {
    const errors = await lint(
      'tools/local-cloud-bench/src/boundary-probe.ts',
      // Not net.ts: it re-exports @shop/emulators, and Nx's fixer for this error then opens '<dir>/@shop/emulators'
      // as a relative path and crashes ESLint (Nx 23.2).
      "import { randomHex } from '../../local-cloud/src/random';\nexport const probe = randomHex;\n",
    );
    expect(errors).toEqual([expect.stringContaining('@nx/enforce-module-boundaries')]);
  });

  it('rejects another tool importing the local cloud (only benchmarks may)', async () => {
    const errors = await lint(
      'tools/shop-plugin/src/boundary-probe.ts',
      "import { freePort } from '@shop/local-cloud';\nexport const probe = freePort;\n",
    );
    expect(errors).toEqual([expect.stringContaining('@nx/enforce-module-boundaries')]);
  });
});
