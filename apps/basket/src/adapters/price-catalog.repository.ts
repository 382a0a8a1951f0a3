import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { MoneySchema, SkuSchema } from '@shop/domain';
import { compositeKey, isConditionalCheckFailed, type DocumentClient } from '@shop/dynamodb';
import * as z from 'zod/mini';
import type { CatalogEntry } from '../domain/catalog';
import type { PriceCatalog } from '../domain/ports';
import { BATCH_GET_LIMIT, batchGetConsistent } from './batch-get';

/** Primary key of a price read model item. */
export type PriceKey = {
  /** `PRODUCT#<sku>` */
  readonly pk: string;
  /** Always `PRICE`. */
  readonly sk: string;
};

/** The key of the read model entry of `sku`. */
export const priceKey = (sku: string): PriceKey => ({ pk: compositeKey('PRODUCT', sku), sk: 'PRICE' });

const CatalogEntrySchema = z.object({
  sku: SkuSchema,
  name: z.string().check(z.minLength(1)),
  price: MoneySchema,
  version: z.int().check(z.positive()),
  deleted: z.boolean(),
  changedAt: z.iso.datetime(),
});

/** The item that stores `entry`. */
export const toPriceItem = (entry: CatalogEntry): Record<string, unknown> => ({ ...priceKey(entry.sku), ...entry });

/** The entry held by a stored item (keys dropped, validated: a corrupt item fails loudly). */
export const fromPriceItem = (item: Record<string, unknown>): CatalogEntry => CatalogEntrySchema.parse(item);

// `supersedes` of domain/catalog.ts as a ConditionExpression, so that it holds atomically.
const UPSERT_CONDITION =
  'attribute_not_exists(#pk) OR (#deleted = :false AND #version < :version) OR ' +
  '(#deleted = :true AND (#version < :version OR #changedAt < :changedAt))';
const DELETE_CONDITION = 'attribute_not_exists(#pk) OR (#deleted = :false AND #version <= :version AND #changedAt <= :changedAt)';

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

/**
 * The price read model on DynamoDB: one item per sku (`PRODUCT#<sku>` / `PRICE`) with the name,
 * price, version and deleted flag, written only by the ProductChanged consumer, each write
 * conditional on being newer than the stored one.
 */
export class DynamoPriceCatalog implements PriceCatalog {
  /**
   * @param docClient a document client, built once per module.
   * @param tableName the basket table.
   * @param retryDelayMs pause before asking again for unprocessed keys (doubles each round).
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
    private readonly retryDelayMs = 50,
  ) {}

  /** BatchGetItem (strongly consistent) in chunks of 100, asking again for unprocessed keys. */
  async getMany(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogEntry>> {
    const found = new Map<string, CatalogEntry>();
    for (const chunk of chunks([...new Set(skus)], BATCH_GET_LIMIT)) {
      const items = await batchGetConsistent(this.docClient, {
        tableName: this.tableName,
        keys: chunk.map(priceKey),
        retryDelayMs: this.retryDelayMs,
      });
      for (const item of items) {
        const entry = fromPriceItem(item);
        found.set(entry.sku, entry);
      }
    }
    return found;
  }

  async apply(entry: CatalogEntry): Promise<boolean> {
    try {
      await this.docClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toPriceItem(entry),
          ConditionExpression: entry.deleted ? DELETE_CONDITION : UPSERT_CONDITION,
          ExpressionAttributeNames: { '#pk': 'pk', '#deleted': 'deleted', '#version': 'version', '#changedAt': 'changedAt' },
          ExpressionAttributeValues: {
            ':version': entry.version,
            ':changedAt': entry.changedAt,
            ...(entry.deleted ? { ':false': false } : { ':false': false, ':true': true }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
