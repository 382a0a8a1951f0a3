import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/**
 * The per-user cache folder of the operating system: `$XDG_CACHE_HOME` or `~/.cache` (Linux and
 * others), `~/Library/Caches` (macOS), `%LOCALAPPDATA%` (Windows). The local cloud keeps the state
 * of an app it runs there, so that running someone's app leaves nothing in their repository.
 */
export function userCacheRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME);
  if (platform === 'darwin') return join(home, 'Library', 'Caches');
  if (platform === 'win32') return resolve(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'));
  return join(home, '.cache');
}

/**
 * The state folder of one app (signing key, control secret, pid file, `--persist` data, the
 * synthesized assembly, the V8 compile cache): `<user cache>/local-cloud/<app folder name>-<8 hex
 * of its absolute path>`, so two apps with the same folder name do not share tables or keys.
 */
export function appStateDir(
  appDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  const absolute = resolve(appDir);
  const hash = createHash('sha256').update(absolute).digest('hex').slice(0, 8);
  const name = basename(absolute).replace(/[^A-Za-z0-9._-]+/g, '-') || 'app';
  return join(userCacheRoot(env, platform, home), 'local-cloud', `${name}-${hash}`);
}
