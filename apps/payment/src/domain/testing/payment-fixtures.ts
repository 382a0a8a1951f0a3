import type { ChargePaymentInput } from '@shop/payment-contracts';
import { paymentIdFor, type Payment } from '../payment';

/** Order ids of the tests (UUIDs, as the saga sends them). */
export const ORDER_1 = '7d1f3c2a-5b4e-4f6a-8c9d-0e1f2a3b4c5d';
export const ORDER_2 = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/** A ChargePayment payload as the order saga sends it. */
export const chargeInput = (overrides: Partial<ChargePaymentInput> = {}): ChargePaymentInput => ({
  orderId: ORDER_1,
  customerId: '22222222-2222-4222-8222-222222222222',
  correlationId: 'corr-saga-1',
  amount: { amount: 2598, currency: 'EUR' },
  paymentToken: 'tok_approve',
  ...overrides,
});

/** A captured payment of {@link ORDER_1}. */
export const capturedPayment = (overrides: Partial<Payment> = {}): Payment => ({
  orderId: ORDER_1,
  paymentId: paymentIdFor(ORDER_1),
  customerId: '22222222-2222-4222-8222-222222222222',
  status: 'CAPTURED',
  amount: { amount: 2598, currency: 'EUR' },
  attempts: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:01.000Z',
  authorizationId: `auth-${ORDER_1}`,
  authorizedAt: '2025-01-01T00:00:00.500Z',
  captureId: `cap-${ORDER_1}`,
  capturedAt: '2025-01-01T00:00:01.000Z',
  ...overrides,
});
