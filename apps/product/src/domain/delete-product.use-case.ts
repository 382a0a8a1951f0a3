import type { ProductRepository, WriteContext } from './ports';

/** What {@link deleteProduct} needs. */
export interface DeleteProductDeps {
  readonly products: Pick<ProductRepository, 'delete'>;
}

/**
 * Removes a product from the catalog.
 * @throws ProductNotFoundError when no product has this sku.
 */
export const deleteProduct = async (deps: DeleteProductDeps, sku: string, context: WriteContext): Promise<void> => {
  await deps.products.delete(sku, context);
};
