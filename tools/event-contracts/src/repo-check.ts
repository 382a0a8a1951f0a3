import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProducerContracts } from '@shop/domain';
import { describeBreakingChange, type BreakingChange } from './compatibility';
import { buildSnapshot, compareSnapshots, parseSnapshot, serializeSnapshot, snapshotPath } from './snapshot';

/** The command that rewrites every snapshot from the declared contracts. */
const UPDATE_COMMAND = 'npm run contracts:update';

const git = (root: string, args: readonly string[]): string =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * The commit the contracts are compared with: `CONTRACTS_BASE` when set (any commit-ish); else CI's
 * `NX_BASE` (the merge base on a pull request, the last green commit on main: a breaking change pushed
 * to main fails too); else `git merge-base HEAD origin/main` when that ref exists (a branch); else
 * `HEAD` (a clean clone of main: its committed snapshots, so only the drift check bites).
 */
export const resolveBase = (root: string, env: NodeJS.ProcessEnv = process.env): string => {
  const given = env.CONTRACTS_BASE || env.NX_BASE;
  if (given) return git(root, ['merge-base', 'HEAD', given]);
  try {
    return git(root, ['merge-base', 'HEAD', 'origin/main']);
  } catch {
    return git(root, ['rev-parse', 'HEAD']);
  }
};

/** A file's text at a commit, or undefined when it did not exist there. */
const showAt = (root: string, commit: string, path: string): string | undefined => {
  try {
    return execFileSync('git', ['show', `${commit}:${path}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
};

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** What the check found for one producer. */
export interface ProducerCheck {
  readonly service: string;
  /** Breaking changes since the base's snapshot (none when the base had no snapshot: a new producer). */
  readonly breaking: readonly BreakingChange[];
  /** Why the committed snapshot differs from the declared contracts, if it does. */
  readonly drift?: string;
}

/**
 * Checks one producer: (a) its declared contracts against the merge base's committed snapshot, by the
 * breaking-change rules; (b) its committed snapshot (working tree) against the declared contracts.
 */
export const checkProducer = (root: string, base: string, producer: ProducerContracts): ProducerCheck => {
  const path = snapshotPath(producer.service);
  const current = buildSnapshot(producer);
  const baseText = showAt(root, base, path);
  const breaking = baseText === undefined ? [] : compareSnapshots(parseSnapshot(baseText), current);
  const committed = readText(join(root, path));
  const drift =
    committed === undefined
      ? `${path} is missing: run \`${UPDATE_COMMAND}\` and commit it.`
      : committed === serializeSnapshot(current)
        ? undefined
        : `${path} differs from the contracts in src/: run \`${UPDATE_COMMAND}\` and commit it.`;
  return { service: producer.service, breaking, drift };
};

/** The check's failures as lines of text (empty when everything holds). */
export const describeFailures = (checks: readonly ProducerCheck[], base: string): string[] =>
  checks.flatMap((check) => [
    ...check.breaking.map(
      (change) =>
        `${check.service}: ${describeBreakingChange(change)}; breaking since ${base.slice(0, 12)}: bump the message's version instead (libs/contracts/README.md, "Changing an event").`,
    ),
    ...(check.drift ? [`${check.service}: ${check.drift}`] : []),
  ]);
