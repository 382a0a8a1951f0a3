import {
  CheckoutInputSchema,
  emptyBasket,
  hasConfirmed,
  PENDING_ORDER_LEASE_MS,
  pendingOrderFor,
  pendingOrderOf,
  priceBasket,
  SetQuantityInputSchema,
  withoutPendingOrder,
  withOrderConfirmed,
  withPendingOrder,
  withQuantity,
} from './basket';
import type { CatalogEntry } from './catalog';
import { basketOf, checkoutInput, CUSTOMER, entry } from './testing/fixtures';

const fieldsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.'));

const catalogOf = (...entries: CatalogEntry[]) => new Map(entries.map((item) => [item.sku, item]));
const now = new Date('2025-03-01T12:00:00.000Z');

describe('SetQuantityInputSchema', () => {
  it.each([0, 1, 99])('accepts quantity %i', (quantity) => {
    expect(SetQuantityInputSchema.parse({ quantity })).toEqual({ quantity });
  });

  it.each([-1, 100, 1.5, '2', null])('rejects quantity %j', (quantity) => {
    expect(fieldsOf(SetQuantityInputSchema.safeParse({ quantity }))).toEqual(['quantity']);
  });

  it('rejects a price or a customer sent by the client', () => {
    const result = SetQuantityInputSchema.safeParse({ quantity: 1, price: { amount: 1, currency: 'EUR' }, customerId: 'x' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.code)).toEqual(['unrecognized_keys']);
  });
});

describe('CheckoutInputSchema', () => {
  it('accepts a payment token and a shipping address', () => {
    expect(CheckoutInputSchema.parse(checkoutInput())).toEqual(checkoutInput());
  });

  it('reports every bad field, unknown address fields included', () => {
    const result = CheckoutInputSchema.safeParse({
      paymentToken: 'not a token!',
      shippingAddress: { ...checkoutInput().shippingAddress, country: 'Germany', floor: 3 },
      total: { amount: 1, currency: 'EUR' },
    });
    expect(fieldsOf(result)).toEqual(['paymentToken', 'shippingAddress.country', 'shippingAddress', '']);
  });
});

describe('withQuantity', () => {
  it('appends a new sku, stamped with the time it was added (and set)', () => {
    const basket = withQuantity(basketOf({ 'MUG-001': 1 }), 'TEA-001', 3, now);
    expect(basket.lines).toEqual([
      { sku: 'MUG-001', quantity: 1, addedAt: '2025-02-01T00:00:00.000Z', changedAt: '2025-02-01T00:00:00.000Z' },
      { sku: 'TEA-001', quantity: 3, addedAt: '2025-03-01T12:00:00.000Z', changedAt: '2025-03-01T12:00:00.000Z' },
    ]);
    expect(basket.updatedAt).toBe('2025-03-01T12:00:00.000Z');
  });

  it('replaces the quantity of a sku in place, stamped with the time it was set', () => {
    const basket = withQuantity(basketOf({ 'MUG-001': 1, 'TEA-001': 2 }), 'MUG-001', 5, now);
    expect(basket.lines.map((line) => [line.sku, line.quantity, line.addedAt, line.changedAt])).toEqual([
      ['MUG-001', 5, '2025-02-01T00:00:00.000Z', '2025-03-01T12:00:00.000Z'],
      ['TEA-001', 2, '2025-02-01T00:00:01.000Z', '2025-02-01T00:00:01.000Z'],
    ]);
  });

  it('removes the line at quantity 0', () => {
    expect(withQuantity(basketOf({ 'MUG-001': 1, 'TEA-001': 2 }), 'MUG-001', 0, now).lines.map((line) => line.sku)).toEqual(['TEA-001']);
  });
});

describe('withOrderConfirmed', () => {
  const ORDER_A = '00000000-0000-4000-8000-00000000000a';
  const ORDER_B = '00000000-0000-4000-8000-00000000000b';

  it("drops the lines of the order's skus, keeps the others and remembers the order as applied now", () => {
    const basket = withOrderConfirmed(
      basketOf({ 'MUG-001': 1, 'TEA-001': 2, 'CUP-001': 1 }),
      { orderId: ORDER_A, skus: ['MUG-001', 'CUP-001', 'GONE-1'] },
      now,
    );

    expect(basket.lines.map((line) => line.sku)).toEqual(['TEA-001']);
    expect(basket.confirmedOrders).toEqual({ [ORDER_A]: '2025-03-01T12:00:00.000Z' });
    expect(basket.updatedAt).toBe('2025-03-01T12:00:00.000Z');
    expect(hasConfirmed(basket, ORDER_A)).toBe(true);
    expect(hasConfirmed(basket, ORDER_B)).toBe(false);
  });

  it('remembers the order even when none of its lines is left', () => {
    expect(withOrderConfirmed(emptyBasket(CUSTOMER), { orderId: ORDER_A, skus: ['MUG-001'] }, now)).toEqual({
      customerId: CUSTOMER,
      lines: [],
      confirmedOrders: { [ORDER_A]: '2025-03-01T12:00:00.000Z' },
      version: 0,
      updatedAt: '2025-03-01T12:00:00.000Z',
    });
  });
});

describe('confirmed orders older than 7 days', () => {
  const stored = {
    '00000000-0000-4000-8000-000000000001': '2025-02-22T12:00:00.000Z', // exactly 7 days before `now`: kept
    '00000000-0000-4000-8000-000000000002': '2025-02-22T11:59:59.999Z', // older: dropped
  };
  const OLD = '00000000-0000-4000-8000-000000000002';
  const NEW = '00000000-0000-4000-8000-000000000003';

  it('are dropped when a quantity is set', () => {
    const basket = withQuantity(basketOf({ 'MUG-001': 1 }, { confirmedOrders: stored }), 'TEA-001', 1, now);
    expect(basket.confirmedOrders).toEqual({ '00000000-0000-4000-8000-000000000001': '2025-02-22T12:00:00.000Z' });
    expect(hasConfirmed(basket, OLD)).toBe(false);
  });

  it('are dropped when an order is confirmed', () => {
    const basket = withOrderConfirmed(basketOf({ 'MUG-001': 1 }, { confirmedOrders: stored }), { orderId: NEW, skus: ['MUG-001'] }, now);
    expect(basket.confirmedOrders).toEqual({
      '00000000-0000-4000-8000-000000000001': '2025-02-22T12:00:00.000Z',
      [NEW]: '2025-03-01T12:00:00.000Z',
    });
  });
});

describe('priceBasket', () => {
  it('prices each line at the current read model price and totals them', () => {
    const view = priceBasket(
      basketOf({ 'MUG-001': 2, 'TEA-001': 3 }),
      catalogOf(entry(), entry({ sku: 'TEA-001', name: 'Tea', price: { amount: 450, currency: 'EUR' } })),
      now,
    );
    expect(view).toEqual({
      lines: [
        {
          sku: 'MUG-001',
          name: 'Mug',
          quantity: 2,
          unitPrice: { amount: 1299, currency: 'EUR' },
          lineTotal: { amount: 2598, currency: 'EUR' },
        },
        {
          sku: 'TEA-001',
          name: 'Tea',
          quantity: 3,
          unitPrice: { amount: 450, currency: 'EUR' },
          lineTotal: { amount: 1350, currency: 'EUR' },
        },
      ],
      total: { amount: 3948, currency: 'EUR' },
      unavailable: [],
    });
  });

  it('totals an empty basket as zero in the default currency', () => {
    expect(priceBasket(emptyBasket(CUSTOMER), new Map(), now)).toEqual({
      lines: [],
      total: { amount: 0, currency: 'EUR' },
      unavailable: [],
    });
  });

  it('lists lines of deleted or unknown products, and of another currency, as unavailable', () => {
    const view = priceBasket(
      basketOf({ 'GONE-1': 1, 'MUG-001': 1, 'NEVER-1': 2, 'USD-001': 4 }),
      catalogOf(entry({ sku: 'GONE-1', deleted: true }), entry(), entry({ sku: 'USD-001', price: { amount: 100, currency: 'USD' } })),
      now,
    );
    expect(view.lines.map((line) => line.sku)).toEqual(['MUG-001']);
    expect(view.total).toEqual({ amount: 1299, currency: 'EUR' });
    expect(view.unavailable).toEqual([
      { sku: 'GONE-1', quantity: 1, reason: 'not_for_sale' },
      { sku: 'NEVER-1', quantity: 2, reason: 'not_for_sale' },
      { sku: 'USD-001', quantity: 4, reason: 'currency' },
    ]);
  });
});

describe('pending order', () => {
  const ORDER_A = '00000000-0000-4000-8000-00000000000a';
  const ORDER_B = '00000000-0000-4000-8000-00000000000b';
  const lock = pendingOrderFor(ORDER_A, 'key-a', now);
  const held = withPendingOrder(basketOf({ 'MUG-001': 1 }), lock);

  it('is placed at the checkout and leased for an hour', () => {
    expect(PENDING_ORDER_LEASE_MS).toBe(60 * 60 * 1000);
    expect(lock).toEqual({
      orderId: ORDER_A,
      idempotencyKey: 'key-a',
      placedAt: '2025-03-01T12:00:00.000Z',
      expiresAt: '2025-03-01T13:00:00.000Z',
    });
    expect(held).toMatchObject({ pendingOrder: lock, updatedAt: '2025-03-01T12:00:00.000Z', lines: [{ sku: 'MUG-001' }] });
  });

  it('holds the basket until its lease runs out', () => {
    expect(pendingOrderOf(held, now)).toEqual(lock);
    expect(pendingOrderOf(held, new Date('2025-03-01T12:59:59.999Z'))).toEqual(lock);
    expect(pendingOrderOf(held, new Date('2025-03-01T13:00:00.000Z'))).toBeUndefined();
    expect(pendingOrderOf(basketOf({ 'MUG-001': 1 }), now)).toBeUndefined();
  });

  it("is freed only by its own order's id", () => {
    const later = new Date('2025-03-01T12:05:00.000Z');
    expect(withoutPendingOrder(held, ORDER_B, later)).toBe(held);
    const freed = withoutPendingOrder(held, ORDER_A, later);
    expect(freed).not.toHaveProperty('pendingOrder');
    expect(freed).toMatchObject({ lines: [{ sku: 'MUG-001' }], updatedAt: '2025-03-01T12:05:00.000Z' });
  });

  it('is kept by a change of a line, and freed by the confirmation of its order only', () => {
    expect(withQuantity(held, 'TEA-001', 2, now).pendingOrder).toEqual(lock);
    expect(withOrderConfirmed(held, { orderId: ORDER_B, skus: ['MUG-001'] }, now).pendingOrder).toEqual(lock);
    expect(withOrderConfirmed(held, { orderId: ORDER_A, skus: ['MUG-001'] }, now)).not.toHaveProperty('pendingOrder');
  });

  it('is named by the priced basket while its lease runs', () => {
    expect(priceBasket(held, catalogOf(entry()), now).pendingOrderId).toBe(ORDER_A);
    expect(priceBasket(held, catalogOf(entry()), new Date('2025-03-01T13:00:00.000Z'))).not.toHaveProperty('pendingOrderId');
  });
});
