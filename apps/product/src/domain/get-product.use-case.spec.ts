import { ProductNotFoundError } from './errors';
import { getProduct } from './get-product.use-case';
import { InMemoryProductRepository } from './testing/in-memory-product.repository';
import { mugProduct } from './testing/product-fixtures';

describe('getProduct', () => {
  it('returns the product with that sku', async () => {
    const products = new InMemoryProductRepository([mugProduct()]);
    await expect(getProduct({ products }, 'MUG-001')).resolves.toEqual(mugProduct());
  });

  it('throws ProductNotFoundError for an unknown sku', async () => {
    const products = new InMemoryProductRepository();
    await expect(getProduct({ products }, 'NOPE-1')).rejects.toEqual(new ProductNotFoundError('NOPE-1'));
  });
});
