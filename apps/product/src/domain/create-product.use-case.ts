import { newProduct, type CreateProductInput, type Product } from './product';
import type { Clock, ProductRepository, WriteContext } from './ports';

/** What {@link createProduct} needs. */
export interface CreateProductDeps {
  readonly products: Pick<ProductRepository, 'create'>;
  readonly clock: Clock;
}

/**
 * Adds a product to the catalog at version 1.
 * @throws ProductAlreadyExistsError when the sku is taken.
 */
export const createProduct = async (deps: CreateProductDeps, input: CreateProductInput, context: WriteContext): Promise<Product> => {
  const product = newProduct(input, deps.clock.now());
  await deps.products.create(product, context);
  return product;
};
