import { InvalidCursorError } from '@shop/domain';
import { listProductsByCategory } from './list-products.use-case';
import { InMemoryProductRepository } from './testing/in-memory-product.repository';
import { mugProduct } from './testing/product-fixtures';

const products = new InMemoryProductRepository([
  mugProduct({ sku: 'MUG-003' }),
  mugProduct({ sku: 'MUG-001' }),
  mugProduct({ sku: 'MUG-002' }),
  mugProduct({ sku: 'TEA-001', category: 'tea' }),
]);

describe('listProductsByCategory', () => {
  it('returns a page of the category in sku order with a cursor to the next page', async () => {
    const first = await listProductsByCategory({ products }, { category: 'mugs', limit: 2 });
    expect(first.items.map((product) => product.sku)).toEqual(['MUG-001', 'MUG-002']);
    expect(typeof first.nextCursor).toBe('string');

    const second = await listProductsByCategory({ products }, { category: 'mugs', limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({ items: [mugProduct({ sku: 'MUG-003' })] });
  });

  it('returns an empty page for a category without products', async () => {
    await expect(listProductsByCategory({ products }, { category: 'plates', limit: 20 })).resolves.toEqual({
      items: [],
    });
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(listProductsByCategory({ products }, { category: 'mugs', limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});
