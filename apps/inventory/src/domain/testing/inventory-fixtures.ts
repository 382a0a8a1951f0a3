import type { StockLevel } from '../stock';

/** Order ids of the tests (UUIDs, as the saga sends them). */
export const ORDER_1 = '7d1f3c2a-5b4e-4f6a-8c9d-0e1f2a3b4c5d';
export const ORDER_2 = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/** Stock of a sku at version 1, nothing reserved. */
export const stockLevel = (overrides: Partial<StockLevel> = {}): StockLevel => ({
  sku: 'MUG-001',
  available: 10,
  reserved: 0,
  version: 1,
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...overrides,
});
