import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in the state dir that holds the control-plane secret of the running local cloud. */
export const CONTROL_SECRET_FILE = 'control-secret';

/** The header every mutating `/_local/*` call carries: the content of the secret file. */
export const CONTROL_SECRET_HEADER = 'x-local-cloud-secret';

/**
 * The access key id that goes with the secret in SigV4 signatures (`/_aws/*`): functions get it as
 * `AWS_ACCESS_KEY_ID` and the secret as `AWS_SECRET_ACCESS_KEY`, so their SDK calls sign with it.
 */
export const LOCAL_ACCESS_KEY_ID = 'LOCALCLOUDCONTROL';

/** Where the secret of a local cloud with this state dir lives. */
export const controlSecretPath = (stateDir: string): string => join(stateDir, CONTROL_SECRET_FILE);

/** The secret file is missing: no local cloud runs with this state dir. */
export class ControlSecretMissingError extends Error {
  constructor(readonly file: string) {
    super(`${file} does not exist: is the local cloud running? Start it with npm start (it writes a new secret at each start)`);
    this.name = 'ControlSecretMissingError';
  }
}

/**
 * Makes a fresh secret (32 random bytes, base64url) and writes it to `<stateDir>/control-secret`,
 * readable by the owner only. Written to a temporary file first and renamed over the old one, so a
 * reader never sees half a secret and the mode is 0600 even when an older file had another.
 */
export function createControlSecret(stateDir: string): string {
  mkdirSync(stateDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  const file = controlSecretPath(stateDir);
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, secret, { flag: 'wx', mode: 0o600 });
  renameSync(temporary, file);
  return secret;
}

/** Reads the secret of the local cloud that runs with this state dir (what the project's own tools send). */
export function readControlSecret(stateDir: string): string {
  const file = controlSecretPath(stateDir);
  if (!existsSync(file)) throw new ControlSecretMissingError(file);
  return readFileSync(file, 'utf8').trim();
}

/** Removes the secret file at stop, unless another start has replaced it since. */
export function removeControlSecret(stateDir: string, secret: string): void {
  try {
    if (readControlSecret(stateDir) === secret) rmSync(controlSecretPath(stateDir), { force: true });
  } catch {
    // Already gone: nothing to remove.
  }
}
