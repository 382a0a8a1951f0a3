import { AnyEventEnvelopeSchema } from '@shop/domain';
import { createProductChanged, PRODUCT_CHANGED, ProductChangedSchema } from './product-changed';
import type { Product } from './product';

const product: Product = {
  sku: 'MUG-001',
  name: 'Mug',
  description: 'A mug.',
  category: 'mugs',
  price: { amount: 1299, currency: 'EUR' },
  version: 2,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-02T00:00:00.000Z',
};

describe('ProductChanged', () => {
  it('builds an envelope that its own schema accepts', () => {
    const event = createProductChanged({
      change: 'updated',
      product,
      correlationId: 'corr-1',
      id: '3f1b7a52-3c1e-4c7e-9a55-0f7a4a6a1e11',
      time: '2025-01-02T00:00:01.000Z',
    });
    expect(event).toEqual({
      id: '3f1b7a52-3c1e-4c7e-9a55-0f7a4a6a1e11',
      type: 'ProductChanged',
      version: 1,
      source: 'product',
      time: '2025-01-02T00:00:01.000Z',
      correlationId: 'corr-1',
      data: { change: 'updated', product },
    });
    expect(ProductChangedSchema.parse(event)).toEqual(event);
  });

  it('defaults the id to a UUID and the time to now', () => {
    const event = createProductChanged({ change: 'created', product, correlationId: 'corr-1' });
    expect(AnyEventEnvelopeSchema.safeParse(event).success).toBe(true);
    expect(Date.now() - Date.parse(event.time)).toBeLessThan(5_000);
  });

  it('rejects an envelope of another type', () => {
    const event = createProductChanged({ change: 'deleted', product, correlationId: 'corr-1' });
    expect(ProductChangedSchema.safeParse({ ...event, type: 'OrderConfirmed' }).success).toBe(false);
  });

  it('rejects an unknown change kind', () => {
    const event = createProductChanged({ change: 'deleted', product, correlationId: 'corr-1' });
    expect(ProductChangedSchema.safeParse({ ...event, data: { ...event.data, change: 'archived' } }).success).toBe(false);
  });

  it('exposes its type name for SNS filter policies', () => {
    expect(PRODUCT_CHANGED).toBe('ProductChanged');
  });
});
