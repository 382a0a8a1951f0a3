import { createPlaceOrder, type PlaceOrder, type PlaceOrderData } from '@shop/order-contracts';
import { newOrder, type Order } from '../order';

/** Ids used across the order tests. */
export const ORDER_ID = '6f1c1c1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
export const CUSTOMER_ID = '22222222-2222-4222-8222-222222222222';
export const OTHER_CUSTOMER_ID = '33333333-3333-4333-8333-333333333333';
export const CORRELATION_ID = 'corr-checkout-1';

/** The checkout time of the fixtures, and the intake time one second later. */
export const PLACED_AT = '2025-03-01T10:00:00.000Z';
export const RECEIVED_AT = '2025-03-01T10:00:01.000Z';

/** A valid PlaceOrder payload: 2 mugs at 12.99 EUR and 1 tea at 4.50 EUR (total 30.48 EUR). */
export const placeOrderData = (overrides: Partial<PlaceOrderData> = {}): PlaceOrderData => ({
  orderId: ORDER_ID,
  customerId: CUSTOMER_ID,
  lines: [
    { sku: 'MUG-001', name: 'Blue mug', quantity: 2, unitPrice: { amount: 1299, currency: 'EUR' } },
    { sku: 'TEA-001', name: 'Green tea', quantity: 1, unitPrice: { amount: 450, currency: 'EUR' } },
  ],
  total: { amount: 3048, currency: 'EUR' },
  paymentToken: 'tok_approve',
  shippingAddress: { name: 'Ada Lovelace', line1: '1 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
  placedAt: PLACED_AT,
  ...overrides,
});

/** A PlaceOrder command envelope with {@link placeOrderData}. */
export const placeOrderCommand = (overrides: Partial<PlaceOrderData> = {}, correlationId = CORRELATION_ID): PlaceOrder => {
  const data = placeOrderData(overrides);
  return createPlaceOrder({ ...data, correlationId, id: '0e4b7a6c-1d2f-4a3b-9c8d-7e6f5a4b3c2d', time: PLACED_AT });
};

/** A stored PENDING order (version 1) made from {@link placeOrderData}. */
export const pendingOrder = (overrides: Partial<PlaceOrderData> = {}): Order => newOrder(placeOrderData(overrides), new Date(RECEIVED_AT));
