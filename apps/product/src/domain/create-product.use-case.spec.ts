import { createProduct } from './create-product.use-case';
import { ProductAlreadyExistsError } from './errors';
import { fixedClock, InMemoryProductRepository } from './testing/in-memory-product.repository';
import { mugInput, mugProduct } from './testing/product-fixtures';

const clock = fixedClock('2025-03-01T10:00:00.000Z');

describe('createProduct', () => {
  it('stores a new product at version 1 stamped with the clock, with the correlation id of the write', async () => {
    const products = new InMemoryProductRepository();

    const created = await createProduct({ products, clock }, mugInput(), { correlationId: 'corr-1' });

    expect(created).toEqual({
      sku: 'MUG-001',
      name: 'Mug',
      description: 'A sturdy mug.',
      category: 'mugs',
      price: { amount: 1299, currency: 'EUR' },
      version: 1,
      createdAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-01T10:00:00.000Z',
    });
    expect(products.items.get('MUG-001')).toEqual({ product: created, correlationId: 'corr-1' });
  });

  it('refuses a duplicate sku and keeps the existing product', async () => {
    const existing = mugProduct({ name: 'Original' });
    const products = new InMemoryProductRepository([existing]);

    await expect(createProduct({ products, clock }, mugInput(), { correlationId: 'corr-2' })).rejects.toThrow(ProductAlreadyExistsError);
    expect(products.items.get('MUG-001')?.product).toEqual(existing);
  });
});
