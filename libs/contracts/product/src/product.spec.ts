import { SkuSchema } from '@shop/domain';
import { CategorySchema, ProductSchema } from './product';

const product = {
  sku: 'MUG-001',
  name: 'Mug',
  description: 'A mug.',
  category: 'mugs',
  price: { amount: 1299, currency: 'EUR' },
  version: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

describe('SkuSchema', () => {
  it.each(['ABC', 'MUG-001', 'A'.repeat(40)])('accepts %s', (sku) => {
    expect(SkuSchema.safeParse(sku).success).toBe(true);
  });

  it.each(['AB', 'mug-001', 'MUG_001', 'MUG 001', 'A'.repeat(41), ''])('rejects %j', (sku) => {
    expect(SkuSchema.safeParse(sku).success).toBe(false);
  });
});

describe('CategorySchema', () => {
  it('accepts a lower-case slug', () => {
    expect(CategorySchema.safeParse('kitchen-mugs').success).toBe(true);
  });

  it.each(['Mugs', '-mugs', 'a b', 'a'.repeat(41), ''])('rejects %j', (category) => {
    expect(CategorySchema.safeParse(category).success).toBe(false);
  });
});

describe('ProductSchema', () => {
  it('parses a stored product and strips storage attributes', () => {
    expect(ProductSchema.parse({ ...product, pk: 'PRODUCT#MUG-001', sk: 'PRODUCT' })).toEqual(product);
  });

  it('rejects a version below 1', () => {
    expect(ProductSchema.safeParse({ ...product, version: 0 }).success).toBe(false);
  });
});
