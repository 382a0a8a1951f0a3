import { DYNAMODB_LOCAL_GLOBAL, runningDynamoDbLocal } from './global-setup';

/** Jest `globalTeardown` of the integration configs: stops the DynamoDB Local of {@link globalSetup}. */
export default async function globalTeardown(): Promise<void> {
  await runningDynamoDbLocal()?.stop();
  delete (globalThis as Record<string, unknown>)[DYNAMODB_LOCAL_GLOBAL];
}
