import { MoneySchema, nameBasedId, type Money } from '@shop/domain';
import * as z from 'zod/mini';

/**
 * Where a payment stands:
 * - `PENDING`: a charge was attempted and the provider has not answered yet (or failed transiently);
 * - `AUTHORIZED`: the provider approved the amount; capturing it is the next step;
 * - `CAPTURED`: the money was taken (what `ChargePayment` returns);
 * - `DECLINED`: the provider refused the token (terminal);
 * - `REFUNDED`: the captured money was given back, or the authorization released (terminal).
 */
export const PAYMENT_STATES = ['PENDING', 'AUTHORIZED', 'CAPTURED', 'DECLINED', 'REFUNDED'] as const;

/** One of {@link PAYMENT_STATES}. */
export type PaymentState = (typeof PAYMENT_STATES)[number];

/** The payment of one order (there is at most one per order), as `GET /payments/{orderId}` shows it. */
export const PaymentSchema = z.object({
  orderId: z.uuid(),
  /** Stable id of the payment, derived from the order id. */
  paymentId: z.string().check(z.minLength(1)),
  customerId: z.string().check(z.minLength(1)),
  status: z.enum(PAYMENT_STATES),
  amount: MoneySchema,
  /** Authorization attempts sent to the provider (transient failures included). */
  attempts: z.int().check(z.minimum(0)),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  authorizationId: z.optional(z.string()),
  authorizedAt: z.optional(z.iso.datetime()),
  captureId: z.optional(z.string()),
  capturedAt: z.optional(z.iso.datetime()),
  declineReason: z.optional(z.string()),
  declinedAt: z.optional(z.iso.datetime()),
  refundId: z.optional(z.string()),
  refundedAt: z.optional(z.iso.datetime()),
});

/** The payment of one order. */
export type Payment = z.infer<typeof PaymentSchema>;

/** The payment id of an order: the same for every attempt, so concurrent first attempts agree. */
export const paymentIdFor = (orderId: string): string => nameBasedId(`payment:${orderId}`);

/** A change of status with what the new status records. */
export type PaymentTransition =
  | { readonly status: 'AUTHORIZED'; readonly authorizationId: string; readonly authorizedAt: string }
  | { readonly status: 'CAPTURED'; readonly captureId: string; readonly capturedAt: string }
  | { readonly status: 'DECLINED'; readonly declineReason: string; readonly declinedAt: string }
  | { readonly status: 'REFUNDED'; readonly refundId?: string; readonly refundedAt: string };

/** When a transition happened (its own timestamp field). */
export const transitionTime = (transition: PaymentTransition): string => {
  switch (transition.status) {
    case 'AUTHORIZED':
      return transition.authorizedAt;
    case 'CAPTURED':
      return transition.capturedAt;
    case 'DECLINED':
      return transition.declinedAt;
    case 'REFUNDED':
      return transition.refundedAt;
  }
};

/** What a charge attempt records before it asks the provider. */
export interface ChargeAttempt {
  readonly orderId: string;
  readonly paymentId: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly at: string;
}

/** Whether two amounts are the same money. */
export const sameMoney = (left: Money, right: Money): boolean => left.amount === right.amount && left.currency === right.currency;
