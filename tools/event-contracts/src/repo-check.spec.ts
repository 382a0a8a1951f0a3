import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { PRODUCERS } from './producers';
import { checkProducer, describeFailures, resolveBase } from './repo-check';
import { buildSnapshot, serializeSnapshot, snapshotPath } from './snapshot';
import { demoProducer, PING_V1_DATA } from './testing';

const WORKSPACE = resolve(__dirname, '../../..');

describe('the compatibility check on this repository', () => {
  it('finds every contract compatible with the merge base and every snapshot up to date', () => {
    const base = resolveBase(WORKSPACE);
    const checks = Object.values(PRODUCERS).map((producer) => checkProducer(WORKSPACE, base, producer));
    expect(checks.map((check) => check.service)).toEqual(['product', 'order', 'shipping']);
    expect(describeFailures(checks, base)).toEqual([]);
  });
});

describe('checkProducer in a scratch repository', () => {
  let root: string;
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: root, encoding: 'utf8' }).trim();
  const writeSnapshot = (producer: ReturnType<typeof demoProducer>): void => {
    const path = join(root, snapshotPath(producer.service));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, serializeSnapshot(buildSnapshot(producer)));
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'event-contracts-'));
    git('init', '--quiet', '--initial-branch=main');
    writeSnapshot(demoProducer(PING_V1_DATA));
    git('add', '.');
    git('commit', '--quiet', '-m', 'Ping v1');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('compares with HEAD when there is no origin/main, with the merge base when there is, and with NX_BASE or CONTRACTS_BASE when set', () => {
    const first = git('rev-parse', 'HEAD');
    expect(resolveBase(root, {})).toBe(first);
    git('commit', '--quiet', '--allow-empty', '-m', 'second');
    const second = git('rev-parse', 'HEAD');
    git('commit', '--quiet', '--allow-empty', '-m', 'third');
    git('update-ref', 'refs/remotes/origin/main', first);
    expect(resolveBase(root, {})).toBe(first);
    expect(resolveBase(root, { NX_BASE: second })).toBe(second);
    expect(resolveBase(root, { NX_BASE: second, CONTRACTS_BASE: 'HEAD' })).toBe(git('rev-parse', 'HEAD'));
  });

  it('fails a breaking change with the message, the field and the rule, and the stale snapshot with the command', () => {
    const broken = demoProducer(PING_V1_DATA.omit({ note: true }));
    const check = checkProducer(root, resolveBase(root, {}), broken);
    expect(describeFailures([check], 'abcdef0123456789')).toEqual([
      'demo: Ping v1, field data.note: field removed or renamed (no longer in the schema); breaking since abcdef012345: bump the message\'s version instead (libs/contracts/README.md, "Changing an event").',
      'demo: libs/contracts/demo/contracts.snapshot.json differs from the contracts in src/: run `npm run contracts:update` and commit it.',
    ]);
  });

  it('still fails the breaking change once the snapshot is updated: the base is the committed one', () => {
    const broken = demoProducer(PING_V1_DATA.extend({ note: z.string() }));
    writeSnapshot(broken);
    const check = checkProducer(root, resolveBase(root, {}), broken);
    expect(check.drift).toBeUndefined();
    expect(check.breaking.map((change) => `${change.field}: ${change.rule}`)).toEqual(['data.note: new required field']);
  });

  it('passes the change as a version bump once the snapshot is updated', () => {
    const bumped = demoProducer(PING_V1_DATA, PING_V1_DATA.omit({ note: true }));
    writeSnapshot(bumped);
    expect(checkProducer(root, resolveBase(root, {}), bumped)).toEqual({ service: 'demo', breaking: [], drift: undefined });
  });

  it('has nothing to compare for a producer new since the base, but wants its snapshot', () => {
    const fresh = { ...demoProducer(PING_V1_DATA), service: 'fresh' };
    expect(checkProducer(root, resolveBase(root, {}), fresh)).toEqual({
      service: 'fresh',
      breaking: [],
      drift: 'libs/contracts/fresh/contracts.snapshot.json is missing: run `npm run contracts:update` and commit it.',
    });
  });
});
