import { startDynamoDbLocal, type DynamoDbLocal } from '@shop/emulators';
import { exportDynamoDbLocalEnv } from './environment';

/** Where the running instance is kept between Jest's globalSetup and globalTeardown (same process). */
export const DYNAMODB_LOCAL_GLOBAL = '__SHOP_DYNAMODB_LOCAL__';

/**
 * Jest `globalSetup` of the integration configs: starts one in-memory DynamoDB Local on a free
 * port on 127.0.0.1 for the whole run and exports its endpoint, fake credentials and region as
 * environment variables, which the test workers inherit.
 */
export default async function globalSetup(): Promise<void> {
  const instance = await startDynamoDbLocal();
  (globalThis as Record<string, unknown>)[DYNAMODB_LOCAL_GLOBAL] = instance;
  exportDynamoDbLocalEnv(instance.endpoint);
  const where = instance.loopbackOnly ? '127.0.0.1 only' : 'every interface (no javac)';
  process.stdout.write(
    `\nDynamoDB Local ready at ${instance.endpoint} in ${(instance.startupMs / 1000).toFixed(1)} s (listening on ${where}, pid ${instance.pid})\n`,
  );
}

/** The instance started by {@link globalSetup}, if any (only visible in the Jest parent process). */
export const runningDynamoDbLocal = (): DynamoDbLocal | undefined =>
  (globalThis as Record<string, unknown>)[DYNAMODB_LOCAL_GLOBAL] as DynamoDbLocal | undefined;
