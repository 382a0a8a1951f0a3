import { AnyEventEnvelopeSchema } from '@shop/domain';
import type { OrderLine, ShippingAddress } from './order';
import { createOrderCancelled, ORDER_CANCELLED, OrderCancelledSchema } from './order-cancelled';
import { createOrderConfirmed, ORDER_CONFIRMED, OrderConfirmedSchema } from './order-confirmed';
import {
  createOrderNeedsAttention,
  NEEDS_ATTENTION_REASON_MAX_LENGTH,
  ORDER_NEEDS_ATTENTION,
  OrderNeedsAttentionSchema,
} from './order-needs-attention';
import { OrderSagaInputSchema } from './order-saga';
import { createPlaceOrder, PLACE_ORDER, PlaceOrderSchema } from './place-order';

const orderId = '7d1f3c2a-5b4e-4f6a-8c9d-0e1f2a3b4c5d';
const lines: OrderLine[] = [{ sku: 'MUG-001', name: 'Mug', quantity: 2, unitPrice: { amount: 1299, currency: 'EUR' } }];
const total = { amount: 2598, currency: 'EUR' } as const;
const shippingAddress: ShippingAddress = {
  name: 'Ada',
  line1: '1 Main St',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};
const id = '3f1b7a52-3c1e-4c7e-9a55-0f7a4a6a1e11';
const time = '2025-01-02T00:00:01.000Z';

describe('PlaceOrder', () => {
  it('builds a command envelope that its own schema accepts', () => {
    const command = createPlaceOrder({
      orderId,
      customerId: 'user-1',
      lines,
      total,
      paymentToken: 'tok_approve',
      shippingAddress,
      correlationId: 'corr-1',
      id,
      time,
    });
    expect(command).toEqual({
      id,
      type: 'PlaceOrder',
      version: 1,
      source: 'basket',
      time,
      correlationId: 'corr-1',
      data: { orderId, customerId: 'user-1', lines, total, paymentToken: 'tok_approve', shippingAddress, placedAt: time },
    });
    expect(PlaceOrderSchema.parse(command)).toEqual(command);
    expect(PLACE_ORDER).toBe('PlaceOrder');
  });

  it('rejects a total that does not match the lines, naming the total', () => {
    const command = createPlaceOrder({
      orderId,
      customerId: 'user-1',
      lines,
      total: { amount: 1, currency: 'EUR' },
      paymentToken: 'tok_approve',
      shippingAddress,
      correlationId: 'corr-1',
    });
    const result = PlaceOrderSchema.safeParse(command);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['data.total']);
  });

  it('rejects a missing payment token or a bad order id', () => {
    const command = createPlaceOrder({
      orderId,
      customerId: 'user-1',
      lines,
      total,
      paymentToken: 'tok_approve',
      shippingAddress,
      correlationId: 'corr-1',
    });
    expect(PlaceOrderSchema.safeParse({ ...command, data: { ...command.data, paymentToken: '' } }).success).toBe(false);
    expect(PlaceOrderSchema.safeParse({ ...command, data: { ...command.data, orderId: 'o-1' } }).success).toBe(false);
  });
});

describe('OrderConfirmed', () => {
  it('builds an event that its own schema accepts, confirmedAt defaulting to time', () => {
    const event = createOrderConfirmed({ orderId, customerId: 'user-1', lines, total, shippingAddress, correlationId: 'c', time });
    expect(event.type).toBe(ORDER_CONFIRMED);
    expect(event.source).toBe('order');
    expect(event.data).toEqual({ orderId, customerId: 'user-1', lines, total, shippingAddress, confirmedAt: time });
    expect(OrderConfirmedSchema.parse(event)).toEqual(event);
    expect(AnyEventEnvelopeSchema.safeParse(event).success).toBe(true);
  });

  it('carries the checkout time when given, and is valid without it (events published before it existed)', () => {
    const placedAt = '2025-01-02T00:00:00.500Z';
    const event = createOrderConfirmed({
      orderId,
      customerId: 'user-1',
      lines,
      total,
      shippingAddress,
      correlationId: 'c',
      time,
      placedAt,
    });
    expect(OrderConfirmedSchema.parse(event).data.placedAt).toBe(placedAt);
    const { placedAt: _dropped, ...older } = event.data;
    expect(OrderConfirmedSchema.safeParse({ ...event, data: older }).success).toBe(true);
    expect(OrderConfirmedSchema.safeParse({ ...event, data: { ...event.data, placedAt: 'yesterday' } }).success).toBe(false);
  });

  it('is not an OrderCancelled', () => {
    const event = createOrderConfirmed({ orderId, customerId: 'user-1', lines, total, shippingAddress, correlationId: 'c' });
    expect(OrderCancelledSchema.safeParse(event).success).toBe(false);
  });
});

describe('OrderCancelled', () => {
  it('carries the reason', () => {
    const event = createOrderCancelled({ orderId, customerId: 'user-1', lines, total, reason: 'OUT_OF_STOCK', correlationId: 'c', time });
    expect(event.type).toBe(ORDER_CANCELLED);
    expect(event.data).toEqual({ orderId, customerId: 'user-1', lines, total, reason: 'OUT_OF_STOCK', cancelledAt: time });
    expect(OrderCancelledSchema.parse(event)).toEqual(event);
  });

  it('rejects an unknown reason', () => {
    const event = createOrderCancelled({ orderId, customerId: 'user-1', lines, total, reason: 'PAYMENT_DECLINED', correlationId: 'c' });
    expect(OrderCancelledSchema.safeParse({ ...event, data: { ...event.data, reason: 'BORED' } }).success).toBe(false);
  });
});

describe('OrderNeedsAttention', () => {
  it('carries the status the order left and the reason', () => {
    const event = createOrderNeedsAttention({
      orderId,
      customerId: 'user-1',
      previousStatus: 'PENDING',
      reason: 'States.Timeout',
      correlationId: 'c',
      time,
    });
    expect(event.type).toBe(ORDER_NEEDS_ATTENTION);
    expect(event.data).toEqual({ orderId, customerId: 'user-1', previousStatus: 'PENDING', reason: 'States.Timeout', flaggedAt: time });
    expect(OrderNeedsAttentionSchema.parse(event)).toEqual(event);
  });

  it('cuts a long reason to the contract limit', () => {
    const event = createOrderNeedsAttention({
      orderId,
      customerId: 'user-1',
      previousStatus: 'CANCELLED',
      reason: 'x'.repeat(500),
      correlationId: 'c',
    });
    expect(event.data.reason).toHaveLength(NEEDS_ATTENTION_REASON_MAX_LENGTH);
    expect(OrderNeedsAttentionSchema.safeParse(event).success).toBe(true);
  });
});

describe('OrderCancelled reasons', () => {
  it("accepts PROCESSING_FAILED, the reconciler's reason", () => {
    const event = createOrderCancelled({ orderId, customerId: 'user-1', lines, total, reason: 'PROCESSING_FAILED', correlationId: 'c' });
    expect(OrderCancelledSchema.parse(event).data.reason).toBe('PROCESSING_FAILED');
  });
});

describe('OrderSagaInputSchema', () => {
  it('accepts the placed order plus its correlation id', () => {
    const input = {
      orderId,
      customerId: 'user-1',
      lines,
      total,
      paymentToken: 'tok_approve',
      shippingAddress,
      placedAt: time,
      correlationId: 'corr-1',
    };
    expect(OrderSagaInputSchema.parse(input)).toEqual(input);
    expect(OrderSagaInputSchema.safeParse({ ...input, correlationId: undefined }).success).toBe(false);
  });
});
