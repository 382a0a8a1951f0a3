import {
  createOrderCancelled,
  createOrderConfirmed,
  createOrderNeedsAttention,
  createPlaceOrder,
  type OrderCancelled,
  type OrderConfirmed,
  type OrderNeedsAttention,
  type PlaceOrder,
} from '@shop/order-contracts';
import type { Product } from '@shop/product-contracts';
import { createProductChanged, type ProductChange, type ProductChanged } from '@shop/product-contracts';
import type { Basket } from '../basket';
import type { CatalogEntry } from '../catalog';

/** The customer of most tests (the `sub` of `customerClaims()` of @shop/testing). */
export const CUSTOMER = '22222222-2222-4222-8222-222222222222';

/** Another customer. */
export const OTHER_CUSTOMER = '33333333-3333-4333-8333-333333333333';

/** A read model entry for sale. */
export const entry = (overrides: Partial<CatalogEntry> = {}): CatalogEntry => ({
  sku: 'MUG-001',
  name: 'Mug',
  price: { amount: 1299, currency: 'EUR' },
  version: 1,
  deleted: false,
  changedAt: '2025-01-01T00:00:00.000Z',
  ...overrides,
});

/** A stored basket of `CUSTOMER`. */
export const basketOf = (lines: Record<string, number>, overrides: Partial<Basket> = {}): Basket => ({
  customerId: CUSTOMER,
  lines: Object.entries(lines).map(([sku, quantity], index) => ({
    sku,
    quantity,
    addedAt: `2025-02-01T00:00:0${index}.000Z`,
    changedAt: `2025-02-01T00:00:0${index}.000Z`,
  })),
  confirmedOrders: {},
  version: 1,
  updatedAt: '2025-02-01T00:00:00.000Z',
  ...overrides,
});

/** A valid checkout body. */
export const checkoutInput = () => ({
  paymentToken: 'tok_approve',
  shippingAddress: { name: 'Ada Lovelace', line1: '1 Analytical Way', city: 'London', postalCode: 'N1 1AA', country: 'GB' },
});

/** The `PlaceOrder` of a checkout of one mug at 12.99 EUR with {@link checkoutInput}. */
export const mugPlaceOrder = (orderId: string, envelope: { correlationId: string; time: string; id: string }): PlaceOrder =>
  createPlaceOrder({
    orderId,
    customerId: CUSTOMER,
    lines: [{ sku: 'MUG-001', name: 'Mug', quantity: 1, unitPrice: { amount: 1299, currency: 'EUR' } }],
    total: { amount: 1299, currency: 'EUR' },
    ...checkoutInput(),
    ...envelope,
  });

/** A catalog product. */
export const product = (overrides: Partial<Product> = {}): Product => ({
  sku: 'MUG-001',
  name: 'Mug',
  description: 'A sturdy mug.',
  category: 'mugs',
  price: { amount: 1299, currency: 'EUR' },
  version: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...overrides,
});

/** A `ProductChanged` event of `product(overrides)`. */
export const productChanged = (
  change: ProductChange,
  overrides: Partial<Product> = {},
  time = '2025-01-01T00:00:00.000Z',
): ProductChanged => createProductChanged({ change, product: product(overrides), correlationId: 'corr-product', time });

/** The order id of most tests. */
export const ORDER_ID = '00000000-0000-4000-8000-000000000001';

/** An `OrderConfirmed` of these skus (one unit each at 1.00 EUR). */
export const orderConfirmed = (skus: readonly string[], orderId = ORDER_ID, customerId = CUSTOMER): OrderConfirmed =>
  createOrderConfirmed({
    orderId,
    customerId,
    lines: skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPrice: { amount: 100, currency: 'EUR' } })),
    total: { amount: 100 * skus.length, currency: 'EUR' },
    shippingAddress: checkoutInput().shippingAddress,
    correlationId: 'corr-order',
  });

/** An `OrderCancelled` (payment declined) of one mug. */
export const orderCancelled = (orderId = ORDER_ID, customerId = CUSTOMER): OrderCancelled =>
  createOrderCancelled({
    orderId,
    customerId,
    lines: [{ sku: 'MUG-001', name: 'Mug', quantity: 1, unitPrice: { amount: 1299, currency: 'EUR' } }],
    total: { amount: 1299, currency: 'EUR' },
    reason: 'PAYMENT_DECLINED',
    correlationId: 'corr-order',
  });

/** An `OrderNeedsAttention` of an order that was PENDING. */
export const orderNeedsAttention = (orderId = ORDER_ID, customerId = CUSTOMER): OrderNeedsAttention =>
  createOrderNeedsAttention({ orderId, customerId, previousStatus: 'PENDING', reason: 'RefundFailedError', correlationId: 'corr-order' });
