import type { DynamoDbLocal } from '@shop/emulators';
import { SHARED_DYNAMODB_LOCAL } from './shared-dynamodb.global-setup';

/** Jest `globalTeardown` of the integration files: stops the DynamoDB Local of the global setup. */
export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as Record<string, unknown>;
  await (globals[SHARED_DYNAMODB_LOCAL] as DynamoDbLocal | undefined)?.stop();
  delete globals[SHARED_DYNAMODB_LOCAL];
}
