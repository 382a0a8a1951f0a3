import * as z from 'zod/mini';
import { CorrelationIdSchema, MoneySchema } from '@shop/domain';

/** Statuses of a payment. */
export const PAYMENT_STATUSES = ['CAPTURED', 'REFUNDED'] as const;

/** Status of a payment. */
export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES);

/** Status of a payment. */
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;

/**
 * Input of the `ChargePayment` saga command (function at `/shop/<stage>/payment/charge-payment-function-arn`).
 * Idempotent per `orderId`: a repeated call returns the first charge, never a second one.
 * Test tokens of the simulated provider: `tok_approve`, `tok_decline`, `tok_transient_<n>`.
 */
export const ChargePaymentInputSchema = z.object({
  orderId: z.uuid(),
  customerId: z.string().check(z.minLength(1), z.maxLength(128)),
  correlationId: CorrelationIdSchema,
  amount: MoneySchema,
  paymentToken: z.string().check(z.minLength(1), z.maxLength(128)),
});

/** Input of `ChargePayment`. */
export type ChargePaymentInput = z.infer<typeof ChargePaymentInputSchema>;

/** Result of `ChargePayment`: the captured payment. */
export const ChargePaymentResultSchema = z.object({
  orderId: z.uuid(),
  paymentId: z.string().check(z.minLength(1)),
  status: z.literal('CAPTURED'),
  amount: MoneySchema,
  chargedAt: z.iso.datetime(),
});

/** Result of `ChargePayment`. */
export type ChargePaymentResult = z.infer<typeof ChargePaymentResultSchema>;

/**
 * Input of the `RefundPayment` compensation (function at `/shop/<stage>/payment/refund-payment-function-arn`).
 * Idempotent per `orderId`; a no-op when the order was never charged.
 */
export const RefundPaymentInputSchema = z.object({
  orderId: z.uuid(),
  correlationId: CorrelationIdSchema,
});

/** Input of `RefundPayment`. */
export type RefundPaymentInput = z.infer<typeof RefundPaymentInputSchema>;

/** Result of `RefundPayment`. `refunded` is false when there was no charge to refund. */
export const RefundPaymentResultSchema = z.object({
  orderId: z.uuid(),
  refunded: z.boolean(),
  paymentId: z.optional(z.string().check(z.minLength(1))),
  refundedAt: z.iso.datetime(),
});

/** Result of `RefundPayment`. */
export type RefundPaymentResult = z.infer<typeof RefundPaymentResultSchema>;
