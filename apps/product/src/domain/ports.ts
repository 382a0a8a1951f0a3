import type { ProductChanged } from '@shop/product-contracts';
import type { Product } from './product';

/** Who asked for a write: stored on the item so the change event carries the same correlation id. */
export interface WriteContext {
  /** Correlation id of the request doing the write. */
  readonly correlationId: string;
}

/** One page of a listing; `nextCursor` is opaque and absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/**
 * Product persistence, implemented by `adapters/product.repository.ts` (DynamoDB).
 * Use cases ask only for the methods they use (`Pick<ProductRepository, 'get'>`).
 */
export interface ProductRepository {
  /** The product with this sku, or `undefined`. */
  get(sku: string): Promise<Product | undefined>;

  /**
   * Stores a new product (its `version` is 1), only if no product has its sku.
   * @throws ProductAlreadyExistsError when the sku is taken.
   */
  create(product: Product, context: WriteContext): Promise<void>;

  /**
   * Replaces a product, only if the stored one is still at `expectedVersion`
   * (`product.version` is `expectedVersion + 1`).
   * @throws ProductNotFoundError when no product has this sku.
   * @throws VersionConflictError when the stored version is not `expectedVersion`.
   */
  update(product: Product, expectedVersion: number, context: WriteContext): Promise<void>;

  /**
   * Deletes a product.
   * @throws ProductNotFoundError when no product has this sku.
   */
  delete(sku: string, context: WriteContext): Promise<void>;

  /**
   * One page of a category's products in sku order (a Query on the category index, never a Scan).
   * @param cursor an opaque `nextCursor` of a previous page.
   * @throws InvalidCursorError (from `@shop/domain`) when the cursor was not issued by this method.
   */
  listByCategory(category: string, limit: number, cursor?: string): Promise<Page<Product>>;

  /**
   * One page of every product of the catalog, in no meaningful order, for operator backfills
   * such as `republishCatalog` (the DynamoDB adapter uses a Scan: never call it on a request path).
   * A page holds at most `limit` products and may hold fewer, even none, while `nextCursor` is
   * still there (the store examined `limit` entries, not all of them products); the listing is
   * over only when `nextCursor` is absent.
   * @param cursor an opaque `nextCursor` of a previous page.
   * @throws InvalidCursorError (from `@shop/domain`) when the cursor was not issued by this method.
   */
  listAll(limit: number, cursor?: string): Promise<Page<Product>>;
}

/**
 * Publishes `ProductChanged` to the product topic, implemented by `SnsEventPublisher` of
 * `@shop/messaging` (see `adapters/product-changed.publisher.ts`).
 */
export interface ProductChangedPublisher {
  publish(event: ProductChanged): Promise<void>;
}

/** The time source, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
