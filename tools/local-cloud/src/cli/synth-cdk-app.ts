import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log';

/** What a `cdk.json` says the CDK CLI should do: the `app` command, a `build` step, and context. */
interface CdkJson {
  app?: string;
  build?: string;
  context?: Record<string, unknown>;
}

const readJson = (file: string): Record<string, unknown> | undefined =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;

/**
 * The environment the CDK CLI gives an app's command (`cdk synth`): the output folder, the merged
 * context (`~/.cdk.json`, then `cdk.json`'s `context`, then `cdk.context.json`, as the CLI layers
 * them) with asset and path metadata on and every stack's assets bundled, and a default account and
 * region (the local cloud's own, unless the environment sets them).
 */
export function synthEnvironment(
  appDir: string,
  outdir: string,
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): NodeJS.ProcessEnv {
  const cdkJson = (readJson(join(appDir, 'cdk.json')) ?? {}) as CdkJson;
  const context = {
    ...((readJson(join(home, '.cdk.json'))?.context as Record<string, unknown> | undefined) ?? {}),
    ...(cdkJson.context ?? {}),
    ...(readJson(join(appDir, 'cdk.context.json')) ?? {}),
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:enable-asset-metadata': true,
    'aws:cdk:version-reporting': false,
    'aws:cdk:bundling-stacks': ['**'],
  };
  return {
    ...env,
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(context),
    CDK_DEFAULT_ACCOUNT: env.CDK_DEFAULT_ACCOUNT ?? '000000000000',
    CDK_DEFAULT_REGION: env.CDK_DEFAULT_REGION ?? 'us-east-1',
  };
}

/** The command `cdk synth` would run for the app in `appDir`: `cdk.json`'s `app` (a `.js` file is run with node, as the CLI does). */
export function appCommand(appDir: string): { app: string; build?: string } {
  const file = join(appDir, 'cdk.json');
  const cdkJson = (readJson(file) ?? {}) as CdkJson;
  if (typeof cdkJson.app !== 'string' || !cdkJson.app.trim()) throw new Error(`${file} has no "app" command (as \`cdk synth\` needs)`);
  const app = /^\S+\.js$/.test(cdkJson.app.trim()) ? `"${process.execPath}" ${cdkJson.app.trim()}` : cdkJson.app;
  return { app, build: typeof cdkJson.build === 'string' ? cdkJson.build : undefined };
}

/**
 * Synthesizes the CDK app in `appDir` into `outdir` the way the CDK CLI does it: runs `cdk.json`'s
 * `build` then `app` command in the app's folder through the shell, with `CDK_OUTDIR` and
 * `CDK_CONTEXT_JSON` set. Not `npx cdk synth`: an app need not have the CLI installed (npx would
 * fetch one, over the network, maybe older than the app's aws-cdk-lib, whose assembly it then
 * refuses), and the app's own command needs nothing the app does not already need. Prints a line
 * every 10 s while it runs; throws with the exit code when the app fails.
 */
export async function synthesizeCdkApp(appDir: string, outdir: string, logger: Logger): Promise<void> {
  const { app, build } = appCommand(appDir);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const env = synthEnvironment(appDir, outdir);
  const started = Date.now();
  if (build) await run(build, appDir, env, logger, 'build');
  logger.info(`synthesizing the CDK app in ${appDir} (${app}) into ${outdir} ...`);
  await run(app, appDir, env, logger, 'app');
  if (!existsSync(join(outdir, 'manifest.json')))
    throw new Error(`the app's command (${app}) wrote no manifest.json into ${outdir}: does it call app.synth()?`);
  logger.info(`synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv, logger: Logger, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, { cwd, env, shell: true, stdio: ['ignore', 'inherit', 'inherit'] });
    const progress = setInterval(
      () => logger.info(`still running the ${what} command (${Math.round((Date.now() - started) / 1000)} s)`),
      10_000,
    );
    child.once('error', (error) => {
      clearInterval(progress);
      reject(new Error(`the ${what} command (${command}) did not start: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearInterval(progress);
      if (code === 0) resolve();
      else reject(new Error(`the ${what} command (${command}) failed (${signal ?? `exit code ${code}`}); see its output above`));
    });
  });
}
