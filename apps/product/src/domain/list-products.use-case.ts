import type { ListProductsQuery, Product } from './product';
import type { Page, ProductRepository } from './ports';

/** What {@link listProductsByCategory} needs. */
export interface ListProductsDeps {
  readonly products: Pick<ProductRepository, 'listByCategory'>;
}

/**
 * One page of a category's products, in sku order.
 * @throws InvalidCursorError when the cursor was not issued by a previous page.
 */
export const listProductsByCategory = async (deps: ListProductsDeps, query: ListProductsQuery): Promise<Page<Product>> =>
  deps.products.listByCategory(query.category, query.limit, query.cursor);
