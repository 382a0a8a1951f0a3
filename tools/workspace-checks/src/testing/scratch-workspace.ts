import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The workspace these checks belong to. */
export const workspaceRoot = path.resolve(__dirname, '../../../..');

/** `text` without terminal colour codes (tools colour their output when FORCE_COLOR is set). */
// eslint-disable-next-line no-control-regex
export const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

/** The output of a command run in a scratch workspace. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A throw-away copy of the workspace with a git history of its own, where tests commit changes
 * and ask Nx what they affect, generate code, and run targets, without touching the real checkout.
 */
export interface ScratchWorkspace {
  /** Its root folder. */
  readonly root: string;
  /** The commit holding the copy of the workspace. */
  readonly baseSha: string;
  /** Runs git in the workspace; returns its trimmed stdout. */
  git(...args: string[]): string;
  /**
   * Applies `changes` (path -> new content, or a function of the old content) and commits them
   * on top of `from` (the current HEAD when absent) on a branch of their own.
   * @returns the new commit's sha.
   */
  commit(message: string, changes: Readonly<Record<string, string | ((old: string) => string)>>, from?: string): string;
  /** Runs the workspace's Nx CLI (daemon off, no Nx Cloud, local cache on). Never throws on a non-zero exit. */
  nx(args: readonly string[]): Promise<CommandResult>;
  /** Runs the workspace's Nx CLI and throws with its output when it fails. */
  nxOk(args: readonly string[]): Promise<CommandResult>;
  /** `nx show projects --affected -t <target> --base --head`, sorted. */
  affected(target: string, base: string, head: string): Promise<string[]>;
  /** Reads a file of the workspace. */
  read(file: string): string;
  /** Whether a file or folder exists in the workspace. */
  exists(file: string): boolean;
  /** Deletes the copy. */
  dispose(): void;
}

/**
 * The environment of a nested Nx run: every `NX_*` variable of the calling Nx task (workspace root,
 * task hash, NX_BASE/NX_HEAD of CI...) dropped, so the nested run sees the scratch workspace only.
 */
export const nestedEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('NX_') && !key.startsWith('JEST_') && !['NODE_ENV', 'FORCE_COLOR'].includes(key)) env[key] = value;
  }
  return {
    ...env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_SKIP_NX_CACHE: 'false',
    NX_TUI: 'false',
    NX_INTERACTIVE: 'false',
    GIT_AUTHOR_NAME: 'workspace-checks',
    GIT_AUTHOR_EMAIL: 'workspace-checks@example.com',
    GIT_COMMITTER_NAME: 'workspace-checks',
    GIT_COMMITTER_EMAIL: 'workspace-checks@example.com',
    // The project's own Node (the `node` devDependency) for every tool the targets start.
    PATH: `${path.join(workspaceRoot, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
  };
};

/**
 * The files of the working tree as git sees them: tracked and untracked, without what .gitignore
 * ignores (node_modules, dist, caches) and without tracked files deleted from the working tree.
 */
const workingTreeFiles = (): string[] =>
  execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: workspaceRoot, maxBuffer: 64 * 1024 * 1024 })
    .toString('utf8')
    .split('\0')
    .filter((file) => file !== '' && existsSync(path.join(workspaceRoot, file)));

/**
 * Copies the working tree (what `npm test` is testing, committed or not) into a temporary folder,
 * links `node_modules` from the workspace (nothing is installed) and commits the copy as `main`.
 */
export const createScratchWorkspace = (name: string): ScratchWorkspace => {
  const root = mkdtempSync(path.join(tmpdir(), `shop-${name}-`));
  const env = nestedEnv();
  for (const file of workingTreeFiles()) {
    const target = path.join(root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(workspaceRoot, file), target, { dereference: false });
  }
  symlinkSync(path.join(workspaceRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');

  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], {
      cwd: root,
      env,
      maxBuffer: 64 * 1024 * 1024,
    })
      .toString('utf8')
      .trim();
  git('init', '--quiet', '--initial-branch=main');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'base: a copy of the working tree');
  const baseSha = git('rev-parse', 'HEAD');

  let branches = 0;
  const commit: ScratchWorkspace['commit'] = (message, changes, from) => {
    git('checkout', '--quiet', '-b', `case-${++branches}`, from ?? 'HEAD');
    for (const [file, change] of Object.entries(changes)) {
      const target = path.join(root, file);
      const old = existsSync(target) ? readFileSync(target, 'utf8') : '';
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, typeof change === 'function' ? change(old) : change);
    }
    git('add', '--all');
    git('commit', '--quiet', '--message', message);
    return git('rev-parse', 'HEAD');
  };

  const nx = (args: readonly string[]): Promise<CommandResult> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join(root, 'node_modules/nx/dist/bin/nx.js'), ...args],
        { cwd: root, env, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) }),
      );
    });

  const nxOk = async (args: readonly string[]): Promise<CommandResult> => {
    const result = await nx(args);
    if (result.code !== 0) {
      throw new Error(`nx ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  };

  const affected = async (target: string, base: string, head: string): Promise<string[]> => {
    const { stdout } = await nxOk(['show', 'projects', '--affected', '-t', target, `--base=${base}`, `--head=${head}`, '--json']);
    return (JSON.parse(stdout) as string[]).sort();
  };

  return {
    root,
    baseSha,
    git,
    commit,
    nx,
    nxOk,
    affected,
    read: (file) => readFileSync(path.join(root, file), 'utf8'),
    exists: (file) => existsSync(path.join(root, file)),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
};
