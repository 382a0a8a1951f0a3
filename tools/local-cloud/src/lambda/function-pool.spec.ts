import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { FunctionDef } from '../assembly/model';
import { FaultRegistry } from '../faults/registry';
import { parseFaultRule } from '../faults/rules';
import { memoryLogger } from '../log';
import { FunctionPool, type FunctionPoolOptions } from './function-pool';

// Each test starts real worker threads (a V8 isolate that loads the function's bundle). Alone that takes
// ~100 ms; with `npm test`'s three tasks at a time on two cores, two cold starts at once once took over
// Jest's default 5 s, so the tests here get 20 s.
jest.setTimeout(20_000);

const work = mkdtempSync(join(tmpdir(), 'local-cloud-pool-'));
const workerScript = join(work, 'lambda-worker.mjs');
buildSync({
  entryPoints: [join(__dirname, 'lambda-worker.ts')],
  outfile: workerScript,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
});

const CODE = `
let invocations = 0;
const loadedAt = Date.now();
class CustomError extends Error { constructor(m) { super(m); this.name = 'CustomError'; } }
exports.handler = async (event, context) => {
  invocations += 1;
  switch (event.action) {
    case 'env': return { greeting: process.env.GREETING, fn: process.env.AWS_LAMBDA_FUNCTION_NAME, region: process.env.AWS_REGION, trace: process.env.POWERTOOLS_TRACE_ENABLED };
    case 'count': return { invocations, loadedAt };
    case 'context': return { name: context.functionName, arn: context.invokedFunctionArn, requestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis(), memory: context.memoryLimitInMB };
    case 'sleep': await new Promise((r) => setTimeout(r, event.ms)); return { slept: event.ms };
    case 'throw': throw new CustomError('it broke');
    case 'crash': setImmediate(() => { throw new Error('uncaught'); }); return new Promise(() => {});
    case 'exit': process.exit(7);
    case 'undefined': return undefined;
    case 'touch': require('node:fs').writeFileSync(event.file, 'done'); return { touched: event.file };
    case 'log':
      console.log(JSON.stringify({ level: 'INFO', message: 'Order placed', timestamp: '2026-12-02T15:46:42.099Z', service: 'order', cold_start: true, function_request_id: context.awsRequestId, correlation_id: 'cid-log', orderId: 'o-1' }));
      console.log(JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'ServerlessShop', Dimensions: [['service']], Metrics: [{ Name: 'OrderPlaced', Unit: 'Count' }] }] }, service: 'order', OrderPlaced: 1 }));
      console.log(JSON.stringify({ level: 'ERROR', message: 'It failed', correlation_id: 'cid-log' }));
      console.log('plain text');
      return { logged: 4 };
    default: return { echo: event };
  }
};
`;

function codeDir(name: string, source = CODE, file = 'index.js'): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), source);
  return dir;
}

function fn(overrides: Partial<FunctionDef> = {}): FunctionDef {
  return {
    service: 'demo',
    stackName: 'shop-local-demo',
    logicalId: 'EchoFunction1A2B3C4D',
    name: 'shop-local-demo-EchoFunction1A2B3C4D',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:shop-local-demo-EchoFunction1A2B3C4D',
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    codeDir: codeDir('echo'),
    timeoutSeconds: 1,
    memorySize: 128,
    environment: { GREETING: 'hello' },
    ...overrides,
  };
}

const pools: FunctionPool[] = [];
function pool(def: FunctionDef, options: Partial<FunctionPoolOptions> = {}) {
  const created = new FunctionPool(def, {
    workerScript,
    maxConcurrency: 4,
    idleTimeoutMs: 60_000,
    baseEnvironment: { AWS_REGION: 'us-east-1' },
    overrideEnvironment: { POWERTOOLS_TRACE_ENABLED: 'false' },
    logger: memoryLogger(),
    functionLogs: 'none',
    ...options,
  });
  pools.push(created);
  return created;
}

afterAll(async () => {
  await Promise.all(pools.map((created) => created.stop()));
});

describe('FunctionPool', () => {
  it.each([
    ['all', false, ['INFO  Order placed orderId=o-1 cid=cid-log', 'ERROR It failed cid=cid-log', 'plain text']],
    [
      'all',
      true,
      ['INFO  Order placed orderId=o-1 cid=cid-log', 'METRIC OrderPlaced=1 Count', 'ERROR It failed cid=cid-log', 'plain text'],
    ],
    ['errors', false, ['ERROR It failed cid=cid-log']],
    ['none', false, []],
  ] as const)(
    'prints the function output readable with --function-logs %s (metric lines shown: %s)',
    async (mode, metricLogs, expected) => {
      const logger = memoryLogger();
      await pool(fn(), { logger, functionLogs: mode, metricLogs }).invoke({ action: 'log' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(logger.lines.filter((text) => text.startsWith('  demo:EchoFunction '))).toEqual(
        expected.map((text) => `  demo:EchoFunction ${text}`),
      );
    },
  );

  it('prints the raw lines with --function-logs json', async () => {
    const logger = memoryLogger();
    await pool(fn(), { logger, functionLogs: 'json' }).invoke({ action: 'log' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const lines = logger.lines.filter((text) => text.startsWith('  demo:EchoFunction '));
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0].slice('  demo:EchoFunction '.length))).toEqual(
      expect.objectContaining({ message: 'Order placed', cold_start: true }),
    );
    expect(lines[1]).toContain('"_aws"');
  });

  it('runs the handler with the template environment, the Lambda variables and the local overrides', async () => {
    const outcome = await pool(fn({ environment: { GREETING: 'hello', POWERTOOLS_TRACE_ENABLED: 'true' } })).invoke({ action: 'env' });
    expect(outcome).toEqual(
      expect.objectContaining({
        ok: true,
        payload: { greeting: 'hello', fn: 'shop-local-demo-EchoFunction1A2B3C4D', region: 'us-east-1', trace: 'false' },
      }),
    );
    expect(process.env.GREETING).toBeUndefined();
  });

  it('gives each function its own process.env', async () => {
    const [a, b] = await Promise.all([
      pool(fn({ environment: { GREETING: 'from a' } })).invoke({ action: 'env' }),
      pool(fn({ environment: { GREETING: 'from b' } })).invoke({ action: 'env' }),
    ]);
    expect([(a.payload as { greeting: string }).greeting, (b.payload as { greeting: string }).greeting]).toEqual(['from a', 'from b']);
  });

  it('has one cold start per instance and keeps the instance warm', async () => {
    const echo = pool(fn());
    const first = await echo.invoke({ action: 'count' });
    const second = await echo.invoke({ action: 'count' });
    expect(first.coldStartMs).toEqual(expect.any(Number));
    expect(second.coldStartMs).toBeUndefined();
    expect((second.payload as { invocations: number }).invocations).toBe(2);
  });

  it('passes a Lambda context with the request id and the remaining time', async () => {
    const outcome = await pool(fn({ timeoutSeconds: 2, memorySize: 256 })).invoke({ action: 'context' }, { requestId: 'req-1' });
    const context = outcome.payload as { name: string; arn: string; requestId: string; remaining: number; memory: string };
    expect(context).toEqual(expect.objectContaining({ name: 'shop-local-demo-EchoFunction1A2B3C4D', requestId: 'req-1', memory: '256' }));
    expect(context.remaining).toBeGreaterThan(1500);
    expect(context.remaining).toBeLessThanOrEqual(2000);
  });

  it('runs invocations concurrently up to the limit, each on its own instance, and queues the rest', async () => {
    const limited = pool(fn(), { maxConcurrency: 2 });
    const started = Date.now();
    const outcomes = await Promise.all([1, 2, 3].map(() => limited.invoke({ action: 'sleep', ms: 300 })));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(outcomes.filter((outcome) => outcome.coldStartMs !== undefined)).toHaveLength(2);
    expect(limited.stats().instances).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('reports a handled error with the error name as errorType', async () => {
    const outcome = await pool(fn()).invoke({ action: 'throw' });
    expect(outcome).toEqual(
      expect.objectContaining({
        ok: false,
        kind: 'handled',
        error: expect.objectContaining({ errorType: 'CustomError', errorMessage: 'it broke' }),
      }),
    );
  });

  it('times out as Lambda does and starts a fresh instance next time', async () => {
    const slow = pool(fn());
    const outcome = await slow.invoke({ action: 'sleep', ms: 5000 }, { requestId: 'req-slow' });
    expect(outcome).toEqual(
      expect.objectContaining({
        ok: false,
        kind: 'timeout',
        error: { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: req-slow Error: Task timed out after 1.00 seconds' },
      }),
    );
    const next = await slow.invoke({ action: 'count' });
    expect(next.coldStartMs).toEqual(expect.any(Number));
    expect((next.payload as { invocations: number }).invocations).toBe(1);
  });

  it('reports an uncaught exception as a crash and replaces the instance', async () => {
    const crashing = pool(fn());
    const outcome = await crashing.invoke({ action: 'crash' });
    expect(outcome).toEqual(
      expect.objectContaining({ ok: false, kind: 'crash', error: expect.objectContaining({ errorMessage: 'uncaught' }) }),
    );
    expect((await crashing.invoke({ action: 'count' })).coldStartMs).toEqual(expect.any(Number));
  });

  it('reports process.exit as Runtime.ExitError', async () => {
    const outcome = await pool(fn()).invoke({ action: 'exit' });
    expect(outcome.error).toEqual({ errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: exit status 7' });
  });

  it('answers null for a handler that returns nothing', async () => {
    expect((await pool(fn()).invoke({ action: 'undefined' })).payload).toBeNull();
  });

  it('reports a missing export as Runtime.HandlerNotFound on every invocation', async () => {
    const broken = pool(fn({ handler: 'index.nope' }));
    const outcome = await broken.invoke({});
    expect(outcome).toEqual(
      expect.objectContaining({ ok: false, kind: 'init', error: expect.objectContaining({ errorType: 'Runtime.HandlerNotFound' }) }),
    );
    expect((await broken.invoke({})).kind).toBe('init');
  });

  it('loads an ES module handler (.mjs)', async () => {
    const dir = codeDir('esm', 'export const handler = async (event) => ({ esm: true, event });', 'app.mjs');
    expect((await pool(fn({ codeDir: dir, handler: 'app.handler' })).invoke({ a: 1 })).payload).toEqual({ esm: true, event: { a: 1 } });
  });

  it('throttles a function whose reserved concurrency is 0', async () => {
    const outcome = await pool(fn({ reservedConcurrency: 0 })).invoke({});
    expect(outcome).toEqual(
      expect.objectContaining({
        ok: false,
        kind: 'throttled',
        error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
      }),
    );
  });

  describe('injected faults', () => {
    const withRule = (body: Record<string, unknown>) => {
      const logger = memoryLogger();
      const faults = new FaultRegistry({ logger });
      const parsed = parseFaultRule({ function: 'demo:Echo', count: 1, ...body });
      if (!parsed.ok) throw new Error(parsed.problem.message);
      faults.add(parsed.rule);
      return { pool: pool(fn(), { faults, logger }), faults, logger };
    };
    const marker = (name: string) => join(work, `${name}-${Date.now()}`);

    it('crash-after: the handler ran (its effect is there), the caller sees Runtime.ExitError, the instance is replaced', async () => {
      const { pool: crashing, faults } = withRule({ kind: 'function', mode: 'crash-after' });
      const file = marker('crash-after');
      const outcome = await crashing.invoke({ action: 'touch', file }, { requestId: 'req-c' });
      expect(outcome).toEqual(
        expect.objectContaining({
          ok: false,
          kind: 'crash',
          error: { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: req-c Error: Runtime exited with error: exit status 1' },
        }),
      );
      expect(existsSync(file)).toBe(true);
      // A kept instance would answer warm with invocations 2.
      const next = await crashing.invoke({ action: 'count' });
      expect([next.coldStartMs, (next.payload as { invocations: number }).invocations]).toEqual([expect.any(Number), 1]);
      expect(faults.list()[0]).toEqual(expect.objectContaining({ hits: 1, remaining: 0 }));
    });

    it('timeout-after: the handler ran, the caller sees Sandbox.Timedout at once', async () => {
      const { pool: timing } = withRule({ kind: 'function', mode: 'timeout-after' });
      const file = marker('timeout-after');
      const outcome = await timing.invoke({ action: 'touch', file }, { requestId: 'req-t' });
      expect(outcome).toEqual(
        expect.objectContaining({
          ok: false,
          kind: 'timeout',
          error: { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: req-t Error: Task timed out after 1.00 seconds' },
        }),
      );
      expect(existsSync(file)).toBe(true);
      expect((await timing.invoke({ action: 'touch', file: marker('after') })).ok).toBe(true);
    });

    it('crash-before: the handler never runs, and the rule is spent after its count', async () => {
      const { pool: crashing, logger } = withRule({ kind: 'function', mode: 'crash-before' });
      const file = marker('crash-before');
      const outcome = await crashing.invoke({ action: 'touch', file });
      expect(outcome).toEqual(
        expect.objectContaining({ ok: false, kind: 'crash', error: expect.objectContaining({ errorType: 'Runtime.ExitError' }) }),
      );
      expect(existsSync(file)).toBe(false);
      expect(crashing.stats().instances).toBe(0);
      expect((await crashing.invoke({ action: 'touch', file })).ok).toBe(true);
      expect(existsSync(file)).toBe(true);
      expect(logger.lines.filter((line) => line.startsWith('fault '))).toEqual([
        'fault fault-1 demo:EchoFunction crashes before its handler runs (hit 1, 0 left)',
      ]);
    });
  });

  it('answers an invocation of a function it does not run with an error naming why, and starts no instance', async () => {
    const logger = memoryLogger();
    const refused = pool(fn({ runtime: 'python3.12', codeDir: '', notServed: 'runtime python3.12 is not run locally' }), { logger });
    await refused.prewarm();
    const outcome = await refused.invoke({}, { source: 'http' });
    expect(outcome).toEqual(
      expect.objectContaining({
        ok: false,
        kind: 'init',
        error: {
          errorType: 'Runtime.NotServedLocally',
          errorMessage: 'shop-local-demo-EchoFunction1A2B3C4D is not served by the local cloud: runtime python3.12 is not run locally',
        },
      }),
    );
    expect(refused.stats().instances).toBe(0);
    expect(logger.lines).toEqual([expect.stringContaining('init Runtime.NotServedLocally')]);
  });

  it("puts its layers' module folders on NODE_PATH before the workspace's, and maps /opt module paths", async () => {
    const opt = join(work, 'opt');
    mkdirSync(join(opt, 'nodejs/node22/node_modules/only22'), { recursive: true });
    mkdirSync(join(opt, 'nodejs/node_modules/shared'), { recursive: true });
    writeFileSync(join(opt, 'nodejs/node22/node_modules/only22/index.js'), "module.exports = 'node22 folder';");
    writeFileSync(join(opt, 'nodejs/node_modules/shared/index.js'), "module.exports = 'shared folder';");
    const handler = `exports.handler = async () => ({
      nodePath: process.env.NODE_PATH,
      optDir: process.env.LOCAL_CLOUD_OPT_DIR,
      only22: require('only22'),
      shared: require('shared'),
      byPath: require('/opt/nodejs/node_modules/shared'),
    });`;
    const layered = pool(fn({ runtime: 'nodejs22.x', codeDir: codeDir('layered', handler), optDir: opt }), {
      baseEnvironment: { AWS_REGION: 'us-east-1', NODE_PATH: '/workspace/node_modules' },
    });
    expect((await layered.invoke({})).payload).toEqual({
      nodePath: `${opt}/nodejs/node22/node_modules:${opt}/nodejs/node_modules:/workspace/node_modules`,
      optDir: opt,
      only22: 'node22 folder',
      shared: 'shared folder',
      byPath: 'shared folder',
    });
  });

  it('logs one line per invocation with the function, the trigger and the correlation id', async () => {
    const logger = memoryLogger();
    await pool(fn(), { logger }).invoke({}, { correlationId: 'cid-42', source: 'http', requestId: 'req-9' });
    expect(logger.lines).toEqual([expect.stringMatching(/^λ demo:EchoFunction ok [\d.]+ms cold \d+ms http cid=cid-42 req=req-9$/)]);
  });
});
