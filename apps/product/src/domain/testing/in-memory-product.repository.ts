import { InvalidCursorError } from '@shop/domain';
import { ProductAlreadyExistsError, ProductNotFoundError, VersionConflictError } from '../errors';
import type { Page, ProductRepository, WriteContext } from '../ports';
import type { Product } from '../product';

/** A stored product and the correlation id of its last write, as the real table keeps it. */
export interface StoredProduct {
  readonly product: Product;
  readonly correlationId: string;
}

/**
 * In-memory {@link ProductRepository} for unit tests: same contract (conditional create,
 * optimistic locking, opaque cursors, sku order) without a database. Test code only.
 */
export class InMemoryProductRepository implements ProductRepository {
  readonly items = new Map<string, StoredProduct>();

  constructor(seed: readonly Product[] = []) {
    for (const product of seed) this.items.set(product.sku, { product, correlationId: 'seed' });
  }

  async get(sku: string): Promise<Product | undefined> {
    return this.items.get(sku)?.product;
  }

  async create(product: Product, context: WriteContext): Promise<void> {
    if (this.items.has(product.sku)) throw new ProductAlreadyExistsError(product.sku);
    this.items.set(product.sku, { product, correlationId: context.correlationId });
  }

  async update(product: Product, expectedVersion: number, context: WriteContext): Promise<void> {
    const stored = this.items.get(product.sku);
    if (!stored) throw new ProductNotFoundError(product.sku);
    if (stored.product.version !== expectedVersion) throw new VersionConflictError(product.sku, expectedVersion);
    this.items.set(product.sku, { product, correlationId: context.correlationId });
  }

  async delete(sku: string): Promise<void> {
    if (!this.items.delete(sku)) throw new ProductNotFoundError(sku);
  }

  async listByCategory(category: string, limit: number, cursor?: string): Promise<Page<Product>> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const matching = [...this.items.values()]
      .map((stored) => stored.product)
      .filter((product) => product.category === category && (after === undefined || product.sku > after))
      .sort((a, b) => (a.sku < b.sku ? -1 : 1));
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return matching.length > limit && last ? { items, nextCursor: encodeCursor(last.sku) } : { items };
  }

  /** Every product in sku order (the real table scans in hash order: callers must not rely on any). */
  async listAll(limit: number, cursor?: string): Promise<Page<Product>> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const remaining = [...this.items.values()]
      .map((stored) => stored.product)
      .filter((product) => after === undefined || product.sku > after)
      .sort((a, b) => (a.sku < b.sku ? -1 : 1));
    const items = remaining.slice(0, limit);
    const last = items.at(-1);
    return remaining.length > limit && last ? { items, nextCursor: encodeCursor(last.sku) } : { items };
  }
}

const encodeCursor = (sku: string): string => Buffer.from(JSON.stringify({ after: sku })).toString('base64url');

const decodeCursor = (cursor: string): string => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'after' in parsed && typeof parsed.after === 'string') {
      return parsed.after;
    }
  } catch {
    // fall through: any undecodable cursor is invalid
  }
  throw new InvalidCursorError();
};

/** A fixed clock for tests. */
export const fixedClock = (iso: string) => ({ now: () => new Date(iso) });
