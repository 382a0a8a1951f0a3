import { stableId } from '../assembly/naming';
import { LOCAL_ACCESS_KEY_ID } from '../control-plane/secret';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A function's access key id: `ASIA` (AWS's prefix for temporary, role-session credentials, what
 * Lambda gives a function) and 16 characters derived from the function's name, so it is stable
 * across restarts and redeploys and looks like the keys an SDK sees in AWS.
 */
export const functionAccessKeyId = (functionName: string): string => `ASIA${stableId(`function:${functionName}`, 16, KEY_ALPHABET)}`;

const CREDENTIAL = /Credential=([A-Z0-9]+)\//;

/** Who signed a request: the control key (the user's CLI and tests), a function's key, or a key the local cloud never gave. */
export type Signer = { kind: 'control' } | { kind: 'function'; functionName: string } | { kind: 'unknown'; accessKeyId: string };

/**
 * The access keys the local cloud hands out, mapped back to their function (and so to its role).
 * The control key stays all-powerful, like an administrator's: IAM is not checked on it.
 */
export class AccessKeys {
  private readonly functions = new Map<string, string>();

  /** The key a function's instances sign with (registered, so its calls are known as the function's). */
  issue(functionName: string): string {
    const key = functionAccessKeyId(functionName);
    this.functions.set(key, functionName);
    return key;
  }

  /** True for a key the guard accepts: the control key and every key issued. */
  accepts(accessKeyId: string): boolean {
    return accessKeyId === LOCAL_ACCESS_KEY_ID || this.functions.has(accessKeyId);
  }

  /** The signer of a request, by the `Credential=` of its (already verified) `Authorization` header. */
  signerOf(authorization: string | undefined): Signer {
    const key = CREDENTIAL.exec(authorization ?? '')?.[1];
    if (!key || key === LOCAL_ACCESS_KEY_ID) return key ? { kind: 'control' } : { kind: 'unknown', accessKeyId: '' };
    const functionName = this.functions.get(key);
    return functionName ? { kind: 'function', functionName } : { kind: 'unknown', accessKeyId: key };
  }
}
