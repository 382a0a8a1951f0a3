import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { AppTarget } from './app-target';
import { synthesizeCdkApp } from './synth-cdk-app';

/**
 * Puts another app's assembly where the local cloud reads it (`<assemblies root>/<app name>`): a
 * CDK app is synthesized into it, a single `cdk.out` linked there (so that `POST /_local/deploy`
 * after the next `cdk synth` reloads it), a folder of assemblies is read where it is.
 */
export async function prepareApp(app: AppTarget, assembliesRoot: string, logger: Logger): Promise<void> {
  const served = join(assembliesRoot, app.name);
  if (app.kind === 'assemblies') return;
  mkdirSync(assembliesRoot, { recursive: true });
  if (app.kind === 'cdk-app') {
    if (isLink(served)) rmSync(served);
    await synthesizeCdkApp(app.dir, served, logger);
    return;
  }
  if (isLink(served) && readlinkSync(served) === app.dir) return;
  if (existsSync(served) || isLink(served)) rmSync(served, { recursive: true, force: true });
  symlinkSync(app.dir, served, process.platform === 'win32' ? 'junction' : 'dir');
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
