import { ProductNotFoundError, VersionConflictError, VersionRequiredError } from './errors';
import { applyUpdate, type Product, type UpdateProductInput } from './product';
import type { Clock, ProductRepository, WriteContext } from './ports';

/** What {@link updateProduct} needs. */
export interface UpdateProductDeps {
  readonly products: Pick<ProductRepository, 'get' | 'update'>;
  readonly clock: Clock;
}

/** An update of one product, based on the version the caller read. */
export interface UpdateProductCommand {
  readonly sku: string;
  /** The version the caller's changes are based on; updates are always conditional. */
  readonly expectedVersion: number | undefined;
  readonly changes: UpdateProductInput;
}

/**
 * Replaces a product's editable fields, only if it is still at the version the caller read
 * (optimistic locking), and bumps its version.
 * @throws VersionRequiredError when no expected version is given.
 * @throws ProductNotFoundError when no product has this sku.
 * @throws VersionConflictError when the product moved on (checked again atomically by the store).
 */
export const updateProduct = async (deps: UpdateProductDeps, command: UpdateProductCommand, context: WriteContext): Promise<Product> => {
  const { sku, expectedVersion, changes } = command;
  if (expectedVersion === undefined) throw new VersionRequiredError(sku);

  const current = await deps.products.get(sku);
  if (!current) throw new ProductNotFoundError(sku);
  // Fail early on a stale read; the conditional write below still guards the race.
  if (current.version !== expectedVersion) throw new VersionConflictError(sku, expectedVersion);

  const updated = applyUpdate(current, changes, deps.clock.now());
  await deps.products.update(updated, expectedVersion, context);
  return updated;
};
