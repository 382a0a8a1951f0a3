import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '@shop/domain';
import {
  compositeKey,
  createItem,
  decodeCursor,
  deleteItem,
  encodeCursor,
  KEY_SEPARATOR,
  InvalidPageCursorError,
  ItemAlreadyExistsError,
  ItemNotFoundError,
  ItemVersionConflictError,
  queryIndexPartition,
  replaceItem,
  type DocumentClient,
} from '@shop/dynamodb';
import { ProductAlreadyExistsError, ProductNotFoundError, VersionConflictError } from '../domain/errors';
import type { Page, ProductRepository, WriteContext } from '../domain/ports';
import { ProductSchema, type Product } from '../domain/product';

/** Name of the category index (GSI) of the product table. */
export const CATEGORY_INDEX = 'gsi1';

/** Primary key of a product item (a type alias, so it is assignable to the lib's key records). */
export type ProductKey = {
  /** `PRODUCT#<sku>` */
  readonly pk: string;
  /** Always `PRODUCT`. */
  readonly sk: string;
};

/**
 * A product as stored in the table: the product, its keys, and the correlation id of the write
 * that produced it (read by the `publish-changes` stream publisher to stamp the event).
 */
export type ProductItem = Product &
  ProductKey & {
    /** `CATEGORY#<category>`: partition of the category index. */
    readonly gsi1pk: string;
    /** `<sku>`: sort key of the category index, so a category lists in sku order. */
    readonly gsi1sk: string;
    /** Correlation id of the last write. */
    readonly correlationId: string;
  };

/** Sort key of every product item; other item types of the table have other sort keys. */
export const PRODUCT_SORT_KEY = 'PRODUCT';

/** The key of the product with this sku. */
export const productKey = (sku: string): ProductKey => ({ pk: compositeKey('PRODUCT', sku), sk: PRODUCT_SORT_KEY });

/** The partition value of a category in the category index. */
export const categoryPartition = (category: string): string => compositeKey('CATEGORY', category);

/** The item that stores `product`, written by the request with this correlation id. */
export const toProductItem = (product: Product, correlationId: string): ProductItem => ({
  ...productKey(product.sku),
  gsi1pk: categoryPartition(product.category),
  gsi1sk: product.sku,
  ...product,
  correlationId,
});

/**
 * The product held by a stored item (or a stream image): keys and bookkeeping are dropped and the
 * rest is validated, so a corrupt item fails loudly instead of leaking out.
 */
export const fromProductItem = (item: Record<string, unknown>): Product => ProductSchema.parse(item);

/**
 * The {@link ProductRepository} on DynamoDB (single table, see the README for the item layout).
 * Writes are conditional (create only if absent, update only at the expected version, delete
 * only if present) and lib errors become the product domain's typed errors.
 */
export class DynamoProductRepository implements ProductRepository {
  /**
   * @param docClient a document client (from `createDocumentClient` of `@shop/dynamodb`), built once per module.
   * @param tableName the product table.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
  ) {}

  /** Strongly consistent, so a client can update right after it created or read. */
  async get(sku: string): Promise<Product | undefined> {
    const { Item } = await this.docClient.send(new GetCommand({ TableName: this.tableName, Key: productKey(sku), ConsistentRead: true }));
    return Item ? fromProductItem(Item) : undefined;
  }

  async create(product: Product, context: WriteContext): Promise<void> {
    try {
      await createItem(this.docClient, {
        tableName: this.tableName,
        key: productKey(product.sku),
        item: toProductItem(product, context.correlationId),
      });
    } catch (error) {
      if (error instanceof ItemAlreadyExistsError) throw new ProductAlreadyExistsError(product.sku, { cause: error });
      throw error;
    }
  }

  /** Stores `product` with version `expectedVersion + 1` (which `applyUpdate` already gave it). */
  async update(product: Product, expectedVersion: number, context: WriteContext): Promise<void> {
    try {
      await replaceItem(this.docClient, {
        tableName: this.tableName,
        key: productKey(product.sku),
        item: toProductItem(product, context.correlationId),
        expectedVersion,
      });
    } catch (error) {
      if (error instanceof ItemNotFoundError) throw new ProductNotFoundError(product.sku, { cause: error });
      if (error instanceof ItemVersionConflictError) throw new VersionConflictError(product.sku, expectedVersion, { cause: error });
      throw error;
    }
  }

  /**
   * Deletes the item. The write context is not stored: a deleted item has nowhere to keep it, and
   * the stream's REMOVE record carries the item as it was, so the `deleted` event is stamped with
   * the correlation id of the product's last create/update, not of the delete.
   */
  async delete(sku: string): Promise<void> {
    try {
      await deleteItem(this.docClient, { tableName: this.tableName, key: productKey(sku) });
    } catch (error) {
      if (error instanceof ItemNotFoundError) throw new ProductNotFoundError(sku, { cause: error });
      throw error;
    }
  }

  /** A Query on the category index in sku order; never a Scan. */
  async listByCategory(category: string, limit: number, cursor?: string): Promise<Page<Product>> {
    try {
      return await queryIndexPartition(this.docClient, {
        tableName: this.tableName,
        indexName: CATEGORY_INDEX,
        partition: categoryPartition(category),
        limit,
        cursor,
        parse: fromProductItem,
      });
    } catch (error) {
      if (error instanceof InvalidPageCursorError) throw new InvalidCursorError('cursor', { cause: error });
      throw error;
    }
  }

  /**
   * One page of a Scan of the whole table, keeping product items only (`sk = PRODUCT` and
   * `pk` starting with `PRODUCT#`). A Scan reads every item of the table, so this is for operator
   * backfills (`republish-catalog`) alone, never for a request: the API lists by category with
   * a Query. `limit` caps the items DynamoDB examines, so a page can hold fewer products than
   * `limit`, even none, and still carry a `nextCursor`; the scan is over when it has none.
   * Eventually consistent reads: a product written while the scan runs may be missed, and its own
   * stream event covers it.
   */
  async listAll(limit: number, cursor?: string): Promise<Page<Product>> {
    let exclusiveStartKey: Record<string, string | number> | undefined;
    try {
      // The table's key only (a Scan of the base table); not pinned to `sk = PRODUCT`, as the last
      // item DynamoDB examined may be of another type.
      exclusiveStartKey = cursor === undefined ? undefined : decodeCursor(cursor, { attributes: ['pk', 'sk'] });
    } catch (error) {
      if (error instanceof InvalidPageCursorError) throw new InvalidCursorError('cursor', { cause: error });
      throw error;
    }
    const { Items = [], LastEvaluatedKey } = await this.docClient.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: limit,
        FilterExpression: '#sk = :sk AND begins_with(#pk, :pk)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':sk': PRODUCT_SORT_KEY, ':pk': `PRODUCT${KEY_SEPARATOR}` },
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    const items = Items.map(fromProductItem);
    return LastEvaluatedKey ? { items, nextCursor: encodeCursor(LastEvaluatedKey) } : { items };
  }
}
