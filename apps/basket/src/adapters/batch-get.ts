import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentClient, Item, ItemKey } from '@shop/dynamodb';

/** Most keys DynamoDB accepts in one BatchGetItem. */
export const BATCH_GET_LIMIT = 100;

/** How often keys DynamoDB left unprocessed (throttling) are asked for again. */
export const MAX_BATCH_GET_ROUNDS = 5;

/** Input of {@link batchGetConsistent}. */
export interface BatchGetInput {
  readonly tableName: string;
  /** At most {@link BATCH_GET_LIMIT} distinct keys (DynamoDB refuses duplicates). */
  readonly keys: readonly ItemKey[];
  /** Pause before asking again for unprocessed keys, doubled each round. */
  readonly retryDelayMs: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads `keys` of one table with strongly consistent BatchGetItem calls: one call, plus one per
 * round of keys that DynamoDB left unprocessed (throttling), up to {@link MAX_BATCH_GET_ROUNDS}.
 * @returns the items found, in no particular order (a key without an item is left out).
 * @throws Error when keys are still unprocessed after the last round.
 */
export const batchGetConsistent = async (client: DocumentClient, input: BatchGetInput): Promise<Item[]> => {
  const { tableName, retryDelayMs } = input;
  const found: Item[] = [];
  let keys: Record<string, unknown>[] = [...input.keys];
  for (let round = 1; keys.length > 0; round += 1) {
    if (round > MAX_BATCH_GET_ROUNDS)
      throw new Error(`DynamoDB left ${keys.length} keys unprocessed after ${MAX_BATCH_GET_ROUNDS} rounds.`);
    if (round > 1) await pause(retryDelayMs * 2 ** (round - 2));
    const output = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
    found.push(...(output.Responses?.[tableName] ?? []));
    keys = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return found;
};
