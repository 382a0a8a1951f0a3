import { deleteProduct } from './delete-product.use-case';
import { ProductNotFoundError } from './errors';
import { InMemoryProductRepository } from './testing/in-memory-product.repository';
import { mugProduct } from './testing/product-fixtures';

describe('deleteProduct', () => {
  it('removes the product', async () => {
    const products = new InMemoryProductRepository([mugProduct()]);

    await deleteProduct({ products }, 'MUG-001', { correlationId: 'c' });

    expect(products.items.has('MUG-001')).toBe(false);
  });

  it('throws ProductNotFoundError for an unknown sku', async () => {
    const products = new InMemoryProductRepository();
    await expect(deleteProduct({ products }, 'NOPE-1', { correlationId: 'c' })).rejects.toEqual(new ProductNotFoundError('NOPE-1'));
  });
});
