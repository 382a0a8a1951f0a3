import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * What `local-cloud <dir>` was pointed at: one cloud assembly (a `cdk.out`, `manifest.json`
 * inside), a folder of assemblies (`<name>/manifest.json` or `<name>/cdk.out/manifest.json`, as
 * the shop's dist/apps), or a CDK app (`cdk.json`), which is synthesized first.
 */
export type AppTarget =
  | { kind: 'assembly'; dir: string; appDir: string; name: string }
  | { kind: 'assemblies'; dir: string; appDir: string; name: string }
  | { kind: 'cdk-app'; dir: string; appDir: string; name: string };

const hasManifest = (dir: string): boolean => existsSync(join(dir, 'manifest.json'));

/**
 * Reads what `dir` holds; throws a message saying what was expected when it is none of the three.
 * A CDK app wins over a `cdk.out` left inside it (its sources are newer than its last synth).
 * `name` names the app: the folder of the CDK app, or the folder holding the `cdk.out`.
 */
export function detectAppTarget(dir: string): AppTarget {
  const absolute = resolve(dir);
  if (!existsSync(absolute)) throw new Error(`${absolute} does not exist`);
  if (!statSync(absolute).isDirectory())
    throw new Error(`${absolute} is not a folder (give the folder of a CDK app, a cdk.out, or a folder of assemblies)`);
  if (existsSync(join(absolute, 'cdk.json'))) return { kind: 'cdk-app', dir: absolute, appDir: absolute, name: appName(absolute) };
  if (hasManifest(absolute)) {
    const appDir = basename(absolute) === 'cdk.out' ? dirname(absolute) : absolute;
    return { kind: 'assembly', dir: absolute, appDir, name: appName(appDir) };
  }
  const assemblies = readdirSync(absolute).filter(
    (entry) => hasManifest(join(absolute, entry)) || hasManifest(join(absolute, entry, 'cdk.out')),
  );
  if (assemblies.length > 0) return { kind: 'assemblies', dir: absolute, appDir: absolute, name: appName(absolute) };
  throw new Error(
    `${absolute} holds no CDK app (cdk.json), no cloud assembly (manifest.json: a cdk.out) and no folder of assemblies (<name>/manifest.json or <name>/cdk.out/manifest.json)`,
  );
}

/**
 * A name fit for a service label, a folder and `POST /_local/deploy` (`[a-z][a-z0-9-]*`, at most 63
 * characters): the folder's name lower-cased, other characters as `-`, `app-` before a leading digit.
 */
export function appName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!name) return 'app';
  return (/^[a-z]/.test(name) ? name : `app-${name}`).slice(0, 63).replace(/-+$/, '');
}
