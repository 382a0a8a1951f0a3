import { startDynamoDbLocal } from '@shop/emulators';

/** Where the running instance is kept between Jest's globalSetup and globalTeardown (same process). */
export const SHARED_DYNAMODB_LOCAL = '__LOCAL_CLOUD_SHARED_DYNAMODB_LOCAL__';

/**
 * Jest `globalSetup` of the integration files: one in-memory DynamoDB Local (without `-sharedDb`) for every local cloud the
 * files start, through LOCAL_CLOUD_DYNAMODB_ENDPOINT, which the clouds' processes inherit. Each cloud keeps its tables there
 * under an access key of its own, so the files stay apart and ~20 JVM starts are saved. A cloud that must own its JVM
 * (`--persist`, the stop that reaps it, the packaged CLI) is started with the variable empty.
 */
export default async function globalSetup(): Promise<void> {
  const instance = await startDynamoDbLocal();
  (globalThis as Record<string, unknown>)[SHARED_DYNAMODB_LOCAL] = instance;
  process.env.LOCAL_CLOUD_DYNAMODB_ENDPOINT = instance.endpoint;
  process.stdout.write(`\nDynamoDB Local for the local clouds at ${instance.endpoint} in ${(instance.startupMs / 1000).toFixed(1)} s\n`);
}
