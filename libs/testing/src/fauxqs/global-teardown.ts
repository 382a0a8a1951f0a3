import type { ChildProcess } from 'node:child_process';
import dynamoDbGlobalTeardown from '../dynamodb-local/global-teardown';
import { FAUXQS_GLOBAL } from './global-setup';

/** Jest `globalTeardown`: stops fauxqs (closing its stdin) and DynamoDB Local. */
export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as Record<string, unknown>)[FAUXQS_GLOBAL] as ChildProcess | undefined;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  delete (globalThis as Record<string, unknown>)[FAUXQS_GLOBAL];
  await dynamoDbGlobalTeardown();
}
