import { applyProductChange } from './apply-product-change.use-case';
import { productChanged } from './testing/fixtures';
import { InMemoryPriceCatalog } from './testing/in-memory';

describe('applyProductChange', () => {
  it('stores a new product and its later updates', async () => {
    const catalog = new InMemoryPriceCatalog();

    await expect(applyProductChange({ catalog }, productChanged('created'))).resolves.toBe('applied');
    await expect(
      applyProductChange({ catalog }, productChanged('updated', { version: 2, price: { amount: 999, currency: 'EUR' } })),
    ).resolves.toBe('applied');

    expect(catalog.entries.get('MUG-001')).toMatchObject({ version: 2, price: { amount: 999, currency: 'EUR' }, deleted: false });
  });

  it('ignores an older version that arrives late, and a redelivery', async () => {
    const catalog = new InMemoryPriceCatalog();
    await applyProductChange({ catalog }, productChanged('updated', { version: 3, price: { amount: 300, currency: 'EUR' } }));

    await expect(
      applyProductChange({ catalog }, productChanged('updated', { version: 2, price: { amount: 200, currency: 'EUR' } })),
    ).resolves.toBe('stale');
    await expect(
      applyProductChange({ catalog }, productChanged('updated', { version: 3, price: { amount: 300, currency: 'EUR' } })),
    ).resolves.toBe('stale');
    expect(catalog.entries.get('MUG-001')?.price.amount).toBe(300);
  });

  it('marks a deleted product as not for sale, and keeps it so against a late creation', async () => {
    const catalog = new InMemoryPriceCatalog();
    await applyProductChange({ catalog }, productChanged('deleted', { version: 2 }, '2025-01-01T00:00:05.000Z'));

    await expect(applyProductChange({ catalog }, productChanged('created', {}, '2025-01-01T00:00:01.000Z'))).resolves.toBe('stale');
    expect(catalog.entries.get('MUG-001')).toMatchObject({ deleted: true, version: 2 });
  });
});
