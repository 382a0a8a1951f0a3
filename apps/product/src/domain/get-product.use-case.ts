import { ProductNotFoundError } from './errors';
import type { Product } from './product';
import type { ProductRepository } from './ports';

/** What {@link getProduct} needs. */
export interface GetProductDeps {
  readonly products: Pick<ProductRepository, 'get'>;
}

/**
 * The product with this sku.
 * @throws ProductNotFoundError when there is none.
 */
export const getProduct = async (deps: GetProductDeps, sku: string): Promise<Product> => {
  const product = await deps.products.get(sku);
  if (!product) throw new ProductNotFoundError(sku);
  return product;
};
