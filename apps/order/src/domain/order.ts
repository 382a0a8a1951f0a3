import { MoneySchema } from '@shop/domain';
import {
  CancellationReasonSchema,
  CustomerIdSchema,
  OrderIdSchema,
  OrderLinesSchema,
  ORDER_STATUSES,
  OrderStatusSchema,
  ShippingAddressSchema,
  TOTAL_MISMATCH_MESSAGE,
  totalMatchesLines,
  type CancellationReason,
  type OrderStatus,
  type PlaceOrderData,
} from '@shop/order-contracts';
import * as z from 'zod/mini';
import { InvalidOrderTransitionError } from './errors';

export type { CancellationReason, OrderStatus } from '@shop/order-contracts';

/** Longest `reason` kept on a status change (an error name for NEEDS_ATTENTION, a cancellation reason). */
export const STATUS_REASON_MAX_LENGTH = 200;

/** One entry of an order's status history: the status it entered, when, and why (if there is a why). */
export const StatusChangeSchema = z.object({
  status: OrderStatusSchema,
  at: z.iso.datetime(),
  reason: z.optional(z.string().check(z.minLength(1), z.maxLength(STATUS_REASON_MAX_LENGTH))),
});

/** One entry of an order's status history. */
export type StatusChange = z.infer<typeof StatusChangeSchema>;

/**
 * An order as the order service keeps it: what was placed (lines, total, address: the checkout's
 * prices, never recomputed), where the saga has taken it (`status`, `statusHistory` oldest first,
 * `cancellationReason` once CANCELLED) and optimistic-locking bookkeeping (`version` from 1).
 * The payment token is deliberately absent: it travels in the saga's input only.
 */
export const OrderSchema = z
  .object({
    orderId: OrderIdSchema,
    customerId: CustomerIdSchema,
    lines: OrderLinesSchema,
    total: MoneySchema,
    shippingAddress: ShippingAddressSchema,
    status: OrderStatusSchema,
    cancellationReason: z.optional(CancellationReasonSchema),
    statusHistory: z.array(StatusChangeSchema).check(z.minLength(1)),
    placedAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.int().check(z.positive()),
  })
  .check(z.refine(totalMatchesLines, { error: TOTAL_MISMATCH_MESSAGE, path: ['total'] }));

/** An order. */
export type Order = z.infer<typeof OrderSchema>;

/**
 * The order's status machine. The saga takes a PENDING order to CONFIRMED or CANCELLED; any order
 * may be flagged NEEDS_ATTENTION when a step or compensation failed for good (even a CONFIRMED or
 * CANCELLED one: a compensation that ran after a confirm that did land, for example). NEEDS_ATTENTION
 * is left only by an operator, outside the saga. Re-entering the current status is a no-op
 * (see {@link transitionOrder}), which is what makes every saga task idempotent.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['CONFIRMED', 'CANCELLED', 'NEEDS_ATTENTION'],
  CONFIRMED: ['NEEDS_ATTENTION'],
  CANCELLED: ['NEEDS_ATTENTION'],
  NEEDS_ATTENTION: [],
};

/** Whether the status machine allows `from` → `to` (re-entering the same status is not a transition). */
export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => ORDER_TRANSITIONS[from].includes(to);

/**
 * The statuses from which the status machine allows a move to `to` (never `to` itself). A
 * repository that changes the status in one conditional write makes it conditional on these.
 */
export const transitionSources = (to: OrderStatus): OrderStatus[] => ORDER_STATUSES.filter((from) => canTransition(from, to));

/** A new PENDING order at version 1 from a `PlaceOrder` command, received at `now`. */
export const newOrder = (data: PlaceOrderData, now: Date): Order => {
  const time = now.toISOString();
  return {
    orderId: data.orderId,
    customerId: data.customerId,
    lines: data.lines,
    total: data.total,
    shippingAddress: data.shippingAddress,
    status: 'PENDING',
    statusHistory: [{ status: 'PENDING', at: time }],
    placedAt: data.placedAt,
    createdAt: time,
    updatedAt: time,
    version: 1,
  };
};

/** What {@link transitionOrder} asks for. */
export type StatusTarget =
  | { readonly status: 'CONFIRMED' }
  | { readonly status: 'CANCELLED'; readonly reason: CancellationReason }
  | { readonly status: 'NEEDS_ATTENTION'; readonly reason: string };

/** What a fence may move a PENDING order to: any status but CONFIRMED (see `OrderRepository.fence`). */
export type FenceTarget = Exclude<StatusTarget, { readonly status: 'CONFIRMED' }>;

/** The outcome of {@link transitionOrder}: the order after it, and whether anything changed. */
export interface TransitionResult {
  readonly order: Order;
  /** False when the order already had the target status (a repeated saga task). */
  readonly changed: boolean;
}

/**
 * What moving to `target` at `now` writes on an order, besides the version bump: the status, the
 * cancellation reason (only when cancelling), the entry appended to the status history (its reason
 * cut to {@link STATUS_REASON_MAX_LENGTH}) and `updatedAt`.
 */
export interface StatusChangeWrite {
  readonly status: OrderStatus;
  readonly cancellationReason?: CancellationReason;
  readonly historyEntry: StatusChange;
  readonly updatedAt: string;
}

/** The {@link StatusChangeWrite} of a move to `target` at `now`. */
export const statusChangeWrite = (target: StatusTarget, now: Date): StatusChangeWrite => {
  const at = now.toISOString();
  const reason = 'reason' in target ? target.reason.slice(0, STATUS_REASON_MAX_LENGTH) : undefined;
  return {
    status: target.status,
    ...(target.status === 'CANCELLED' ? { cancellationReason: target.reason } : {}),
    historyEntry: { status: target.status, at, ...(reason ? { reason } : {}) },
    updatedAt: at,
  };
};

/**
 * The outcome for an order the status machine does not let move to `target`: no change when it is
 * already there (a repeated saga task; the first cancellation reason wins), a refusal otherwise.
 * Also how a repository reads a conditional status change that found the order in another status.
 * @throws InvalidOrderTransitionError when the order is in another status.
 */
export const transitionNotApplied = (order: Order, target: StatusTarget): TransitionResult => {
  if (order.status === target.status) return { order, changed: false };
  throw new InvalidOrderTransitionError(order.orderId, order.status, target.status);
};

/**
 * The order after moving to `target` at `now`: status set, the change appended to the history,
 * version bumped ({@link statusChangeWrite}). Idempotent: an order already in the target status
 * comes back unchanged (the first cancellation reason wins).
 * @throws InvalidOrderTransitionError when the status machine forbids the move.
 */
export const transitionOrder = (order: Order, target: StatusTarget, now: Date): TransitionResult => {
  if (!canTransition(order.status, target.status)) return transitionNotApplied(order, target);
  const { status, cancellationReason, historyEntry, updatedAt } = statusChangeWrite(target, now);
  return {
    changed: true,
    order: {
      ...order,
      status,
      ...(cancellationReason ? { cancellationReason } : {}),
      statusHistory: [...order.statusHistory, historyEntry],
      updatedAt,
      version: order.version + 1,
    },
  };
};

/** The last status change of an order (its current status and when it was entered). */
export const lastStatusChange = (order: Pick<Order, 'statusHistory'>): StatusChange => {
  const last = order.statusHistory.at(-1);
  if (!last) throw new RangeError('An order always has a status history.');
  return last;
};
