import { execFile, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { apiGatewayProxyEvent } from '@shop/testing';
import { createScratchWorkspace, stripAnsi, type ScratchWorkspace } from './testing/scratch-workspace';

/**
 * `npx nx g @shop/tools:service <name>` on a scratch copy of the workspace: right after, with no
 * edit, the new service passes lint, typecheck, test, integration and synth, has an owner, is
 * fenced in by the module boundaries, and its bundled router answers its health route.
 */
jest.setTimeout(240_000);

const NAME = 'gift-cards';
const ROOT = `apps/${NAME}`;

let ws: ScratchWorkspace;
let generated: { stdout: string };

beforeAll(async () => {
  ws = createScratchWorkspace('generator');
  generated = await ws.nxOk(['g', '@shop/tools:service', NAME, '--no-interactive']);
});

afterAll(() => ws?.dispose());

const run = (args: string[], input?: string) => {
  const child = promisify(execFile)(process.execPath, args, { cwd: ws.root, maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin?.end(input ?? '');
  return child
    .catch((error: { code?: number; stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: `${error.stderr ?? ''} (exit ${error.code})`,
    }))
    .then(({ stdout, stderr }) => ({ stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) }));
};

interface ProjectJson {
  name: string;
  tags: string[];
  targets: Record<string, { configurations?: Record<string, unknown>; options?: { outputPath?: string } }>;
}
/** A project as Nx resolves it: its project.json and the targets the shop's plugin infers from its files. */
const project = async (name: string) => JSON.parse((await ws.nxOk(['show', 'project', name, '--json'])).stdout) as ProjectJson;

describe('nx g @shop/tools:service', () => {
  it('writes the service: router handler, domain, adapter, stack, tests, README', () => {
    expect(generated.stdout).toContain(`CREATE ${ROOT}/project.json`);
    for (const file of [
      'README.md',
      'tsconfig.json',
      'jest.config.cjs',
      'jest.integration.config.cjs',
      'src/api/routes.ts',
      'src/handlers/router.handler.ts',
      'src/handlers/router.handler.spec.ts',
      'src/domain/get-item.use-case.ts',
      'src/domain/ports.ts',
      'src/adapters/item.repository.ts',
      'src/adapters/item.repository.int.spec.ts',
      `src/infra/${NAME}-stack.ts`,
      `src/infra/${NAME}-stack.stack.spec.ts`,
      'src/infra/main.ts',
    ]) {
      expect([file, ws.exists(`${ROOT}/${file}`)]).toEqual([file, true]);
    }
  });

  it('tags it with its own scope and type:app, and gives it every target and stage of the other services', async () => {
    const service = await project(NAME);
    const product = await project('product');
    const sharedTargets = (p: ProjectJson) =>
      Object.keys(p.targets)
        .filter((t) => !t.startsWith('bundle-'))
        .sort();

    expect(service.tags).toEqual([`scope:${NAME}`, 'type:app']);
    expect(sharedTargets(service)).toEqual(sharedTargets(product));
    expect(Object.keys(service.targets.synth?.configurations ?? {})).toEqual(['dev', 'prod', 'local']);
    expect(Object.keys(service.targets.deploy?.configurations ?? {})).toEqual(['dev', 'prod', 'local']);
    expect(service.targets['bundle-router']?.options?.outputPath).toBe(`dist/${ROOT}/bundles/router`);
  });

  it('writes a project.json of its name, tags and checks only: the plugin infers bundle, build, synth and deploy', () => {
    const file = ws.read(`${ROOT}/project.json`);
    expect(Object.keys((JSON.parse(file) as ProjectJson).targets)).toEqual(['lint', 'typecheck', 'test', 'integration']);
    expect(file.trimEnd().split('\n').length).toBeLessThanOrEqual(25);
  });

  it('gives the folder its team in CODEOWNERS, and the ownership check passes', async () => {
    expect(ws.read('.github/CODEOWNERS')).toMatch(new RegExp(`^/${ROOT}/\\s+@serverless-shop/${NAME}-team$`, 'm'));
    const { stdout, stderr } = await run([
      'node_modules/jest/bin/jest.js',
      '-c',
      'tools/workspace-checks/jest.config.cjs',
      'codeowners',
      '--ci',
    ]);
    expect(`${stdout}${stderr}`).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  });

  it('passes lint, typecheck, test, integration and synth with no edit', async () => {
    const result = await ws.nx([
      'run-many',
      '-t',
      'lint',
      'typecheck',
      'test',
      'integration',
      'synth',
      '-p',
      NAME,
      '--output-style=static',
    ]);
    expect([result.code, result.code === 0 ? '' : `${result.stdout}\n${result.stderr}`]).toEqual([0, '']);

    const template = JSON.parse(ws.read(`dist/${ROOT}/cdk.out/shop-dev-${NAME}.template.json`)) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const mapping = Object.values(template.Resources).find((r) => r.Type === 'AWS::ApiGateway::BasePathMapping');
    expect(mapping?.Properties.BasePath).toBe(NAME);
  });

  it('bundles a router that answers GET /health with 200, run as the template says (what the local cloud does)', async () => {
    // The router's environment comes from the synthesized template; values that only exist once
    // deployed (the table name, a Ref) get a placeholder: the health route touches nothing.
    const template = JSON.parse(ws.read(`dist/${ROOT}/cdk.out/shop-dev-${NAME}.template.json`)) as {
      Resources: Record<string, { Type: string; Properties: { Environment?: { Variables: Record<string, unknown> } } }>;
    };
    const [router] = Object.entries(template.Resources).filter(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('RouterFunction'),
    );
    const variables = router?.[1].Properties.Environment?.Variables ?? {};
    const env = {
      ...Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : `${key.toLowerCase()}-placeholder`]),
      ),
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_REGION: 'eu-west-1',
    };
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['TABLE_NAME', 'POWERTOOLS_SERVICE_NAME']));

    const event = apiGatewayProxyEvent({ basePath: `/${NAME}`, path: '/health' });
    const script = [
      `Object.assign(process.env, ${JSON.stringify(env)});`,
      `const { handler } = require(${JSON.stringify(path.join(ws.root, `dist/${ROOT}/bundles/router/index.js`))});`,
      "let input = ''; process.stdin.on('data', (c) => (input += c)).on('end', async () => {",
      "  const context = { functionName: 'router', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:router',",
      "    memoryLimitInMB: '512', awsRequestId: 'r-1', logGroupName: '/aws/lambda/router', logStreamName: 's', callbackWaitsForEmptyEventLoop: true,",
      '    getRemainingTimeInMillis: () => 3000 };',
      '  process.stdout.write(JSON.stringify(await handler(JSON.parse(input), context)));',
      '});',
    ].join('\n');
    const { stdout, stderr } = await run(['-e', script], JSON.stringify(event));
    if (stdout === '') throw new Error(`The bundled router failed: ${stderr.slice(-2000)}`);
    const result = JSON.parse(stdout) as { statusCode: number; body: string };
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([200, { status: 'ok', service: NAME }]);
  });

  it('is served by the local cloud, with no change to local-cloud: GET /<name>/health through API Gateway answers 200', async () => {
    // Runs after the synth test above. The platform stack publishes the user pool the authorizer needs.
    await ws.nxOk(['run-many', '-t', 'synth', '-p', 'platform', '--output-style=static']);
    await ws.nxOk(['run', 'local-cloud:build', '--output-style=static']);
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const cloud = spawn(
      process.execPath,
      [
        'dist/tools/local-cloud/main.mjs',
        '--port',
        String(port),
        '--service',
        `platform,${NAME}`,
        '--no-seed',
        '--function-logs',
        'errors',
      ],
      {
        cwd: ws.root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LOCAL_CLOUD_STATE_DIR: path.join(ws.root, '.local-cloud') },
      },
    );
    let output = '';
    cloud.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cloud.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => cloud.once('exit', resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60_000;
      let healthy = false;
      while (!healthy && Date.now() < deadline && cloud.exitCode === null) {
        healthy = await fetch(`${base}/_local/health`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!healthy) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (!healthy) throw new Error(`The local cloud did not become healthy:\n${stripAnsi(output).slice(-3000)}`);

      const response = await fetch(`${base}/${NAME}/health`);
      expect([response.status, await response.json()]).toEqual([200, { status: 'ok', service: NAME }]);
    } finally {
      cloud.kill('SIGTERM');
      await exited;
    }
  });

  it('is fenced in by the module boundaries: importing another service fails lint', async () => {
    const { stdout } = await run(
      ['node_modules/eslint/bin/eslint.js', '--format', 'json', '--stdin', '--stdin-filename', `${ROOT}/src/handlers/boundary-probe.ts`],
      "import { SERVICE } from '../../../product/src/infra/product-stack';\nexport const probe = SERVICE;\n",
    );
    const [report] = JSON.parse(stdout) as [{ messages: { ruleId: string | null; severity: number }[] }];
    expect(report.messages.filter((m) => m.severity === 2).map((m) => m.ruleId)).toContain('@nx/enforce-module-boundaries');
  });

  it('refuses a name that is taken', async () => {
    const again = await ws.nx(['g', '@shop/tools:service', 'product', '--no-interactive']);
    expect(again.code).not.toBe(0);
    expect(`${again.stdout}${again.stderr}`).toContain('A project named "product" exists already.');
  });
});
