import { ProductNotFoundError, VersionConflictError, VersionRequiredError } from './errors';
import type { UpdateProductInput } from './product';
import { fixedClock, InMemoryProductRepository } from './testing/in-memory-product.repository';
import { mugProduct } from './testing/product-fixtures';
import { updateProduct } from './update-product.use-case';

const clock = fixedClock('2025-03-02T09:30:00.000Z');
const changes: UpdateProductInput = {
  name: 'Big mug',
  description: 'A bigger mug.',
  category: 'mugs',
  price: { amount: 1599, currency: 'EUR' },
};

describe('updateProduct', () => {
  it('replaces the editable fields, bumps the version and keeps createdAt', async () => {
    const products = new InMemoryProductRepository([mugProduct()]);

    const updated = await updateProduct({ products, clock }, { sku: 'MUG-001', expectedVersion: 1, changes }, { correlationId: 'corr-3' });

    expect(updated).toEqual({
      sku: 'MUG-001',
      ...changes,
      version: 2,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-03-02T09:30:00.000Z',
    });
    expect(products.items.get('MUG-001')).toEqual({ product: updated, correlationId: 'corr-3' });
  });

  it('refuses a stale expected version and writes nothing', async () => {
    const current = mugProduct({ version: 3 });
    const products = new InMemoryProductRepository([current]);

    await expect(
      updateProduct({ products, clock }, { sku: 'MUG-001', expectedVersion: 2, changes }, { correlationId: 'c' }),
    ).rejects.toEqual(new VersionConflictError('MUG-001', 2));
    expect(products.items.get('MUG-001')?.product).toEqual(current);
  });

  it('reports a version conflict that the store detects after the read (a concurrent write)', async () => {
    const products = new InMemoryProductRepository([mugProduct()]);
    const racing = {
      get: products.get.bind(products),
      update: async () => {
        throw new VersionConflictError('MUG-001', 1);
      },
    };

    await expect(
      updateProduct({ products: racing, clock }, { sku: 'MUG-001', expectedVersion: 1, changes }, { correlationId: 'c' }),
    ).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('requires an expected version', async () => {
    const products = new InMemoryProductRepository([mugProduct()]);

    await expect(
      updateProduct({ products, clock }, { sku: 'MUG-001', expectedVersion: undefined, changes }, { correlationId: 'c' }),
    ).rejects.toEqual(new VersionRequiredError('MUG-001'));
    expect(products.items.get('MUG-001')?.product).toEqual(mugProduct());
  });

  it('throws ProductNotFoundError for an unknown sku', async () => {
    const products = new InMemoryProductRepository();

    await expect(
      updateProduct({ products, clock }, { sku: 'NOPE-1', expectedVersion: 1, changes }, { correlationId: 'c' }),
    ).rejects.toEqual(new ProductNotFoundError('NOPE-1'));
  });
});
