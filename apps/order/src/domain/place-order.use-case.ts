import type { OrderSagaInput, PlaceOrderData } from '@shop/order-contracts';
import { OrderAlreadyExistsError, OrderIdTakenError } from './errors';
import { newOrder, type Order } from './order';
import type { Clock, OrderRepository, OrderSaga, SagaStart } from './ports';

/** What {@link placeOrder} needs. */
export interface PlaceOrderDeps {
  readonly orders: Pick<OrderRepository, 'get' | 'create'>;
  readonly saga: Pick<OrderSaga, 'start'>;
  readonly clock: Clock;
}

/** A `PlaceOrder` command as the intake handler received it. */
export interface PlaceOrderCommand {
  readonly data: PlaceOrderData;
  /** Correlation id of the checkout: stored with the order and passed to every saga step. */
  readonly correlationId: string;
}

/** What {@link placeOrder} did. */
export interface PlaceOrderOutcome {
  /** The order as stored (the first one, for a repeated command). */
  readonly order: Order;
  /** False when the order already existed (a redelivered command). */
  readonly created: boolean;
  /**
   * Whether the saga was started now, had been started before, or was not needed because the
   * order had already left PENDING (its saga ran to an end).
   */
  readonly saga: SagaStart | 'not-needed';
}

/** The saga's execution input for a stored order: the order as placed plus the payment token and correlation id. */
export const sagaInputOf = (order: Order, paymentToken: string, correlationId: string): OrderSagaInput => ({
  orderId: order.orderId,
  customerId: order.customerId,
  lines: order.lines,
  total: order.total,
  shippingAddress: order.shippingAddress,
  placedAt: order.placedAt,
  paymentToken,
  correlationId,
});

/**
 * Intake of a `PlaceOrder` command: stores the order PENDING (conditional on its id being free)
 * and starts its saga. Idempotent by order id, so a command delivered twice (or retried after a
 * failure between the two steps) makes one order and one saga execution:
 * - an order that exists already is not written again; its saga is started again, which the
 *   {@link OrderSaga} port treats as a no-op when the execution exists;
 * - an order that already left PENDING gets no new execution.
 * The saga input is built from the stored order, so every retry sends the same input.
 * @throws OrderIdTakenError when the id belongs to another customer's order.
 */
export const placeOrder = async (deps: PlaceOrderDeps, command: PlaceOrderCommand): Promise<PlaceOrderOutcome> => {
  const { data, correlationId } = command;
  let order = newOrder(data, deps.clock.now());
  let created = true;
  try {
    await deps.orders.create(order, { correlationId });
  } catch (error) {
    if (!(error instanceof OrderAlreadyExistsError)) throw error;
    const existing = await deps.orders.get(data.orderId);
    // Orders are never deleted; if it vanished anyway, fail so the message is retried.
    if (!existing) throw error;
    if (existing.customerId !== data.customerId) throw new OrderIdTakenError(data.orderId, { cause: error });
    order = existing;
    created = false;
  }
  if (order.status !== 'PENDING') return { order, created, saga: 'not-needed' };
  const saga = await deps.saga.start(sagaInputOf(order, data.paymentToken, correlationId));
  return { order, created, saga };
};
