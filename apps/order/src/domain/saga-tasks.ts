import { CorrelationIdSchema } from '@shop/domain';
import { CancellationReasonSchema, OrderIdSchema, OrderStatusSchema } from '@shop/order-contracts';
import * as z from 'zod/mini';

/**
 * The payloads the order saga sends to the order service's own Task functions (built by
 * `infra/order-saga.ts`) and what they return. Internal to the order service: the participants'
 * payloads are in @shop/inventory-contracts and @shop/payment-contracts.
 */

/** Payload of the ConfirmOrder task. */
export const ConfirmOrderTaskSchema = z.object({
  orderId: OrderIdSchema,
  correlationId: CorrelationIdSchema,
});

/** Payload of the ConfirmOrder task. */
export type ConfirmOrderTask = z.infer<typeof ConfirmOrderTaskSchema>;

/** Payload of the CancelOrder task: the reason is set by the saga's Pass state on the failing path. */
export const CancelOrderTaskSchema = z.object({
  orderId: OrderIdSchema,
  correlationId: CorrelationIdSchema,
  reason: CancellationReasonSchema,
});

/** Payload of the CancelOrder task. */
export type CancelOrderTask = z.infer<typeof CancelOrderTaskSchema>;

/** A Step Functions Catch's error output (`{ Error, Cause }`), as it sits in the saga state. */
export const CaughtErrorSchema = z.object({
  Error: z.string().check(z.minLength(1)),
  Cause: z.optional(z.string()),
});

/**
 * Payload of the MarkNeedsAttention task: the last error the saga caught. With `onlyIfPending` it
 * is the saga's fence (FenceOrder): only a PENDING order is flagged, any other is left as it is and
 * its status answered (CONFIRMED: the confirmation landed).
 */
export const MarkNeedsAttentionTaskSchema = z.object({
  orderId: OrderIdSchema,
  correlationId: CorrelationIdSchema,
  error: CaughtErrorSchema,
  onlyIfPending: z.optional(z.boolean()),
});

/** Payload of the MarkNeedsAttention task. */
export type MarkNeedsAttentionTask = z.infer<typeof MarkNeedsAttentionTaskSchema>;

/** What every order Task function returns (kept in the saga state under `$.order`). */
export const OrderTaskResultSchema = z.object({
  orderId: OrderIdSchema,
  status: OrderStatusSchema,
  /** False when the order already had the status (a repeated task). */
  changed: z.boolean(),
});

/** What every order Task function returns. */
export type OrderTaskResult = z.infer<typeof OrderTaskResultSchema>;

/**
 * Name of the custom metric (Powertools, namespace ServerlessShop, dimension `service`) counted
 * once per order flagged NEEDS_ATTENTION; the order stack alarms on it.
 */
export const NEEDS_ATTENTION_METRIC = 'OrderNeedsAttention';
