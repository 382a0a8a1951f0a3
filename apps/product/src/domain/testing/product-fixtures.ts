import type { CreateProductInput, Product } from '../product';

/** A valid create body. */
export const mugInput = (overrides: Partial<CreateProductInput> = {}): CreateProductInput => ({
  sku: 'MUG-001',
  name: 'Mug',
  description: 'A sturdy mug.',
  category: 'mugs',
  price: { amount: 1299, currency: 'EUR' },
  ...overrides,
});

/** A stored product at version 1. */
export const mugProduct = (overrides: Partial<Product> = {}): Product => ({
  ...mugInput(),
  version: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...overrides,
});
