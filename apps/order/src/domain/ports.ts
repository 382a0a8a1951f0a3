import type { OrderCancelled, OrderConfirmed, OrderSagaInput } from '@shop/order-contracts';
import type { Order, StatusTarget, TransitionResult } from './order';

/** Who asked for a write: stored on the item so the events it causes carry the same correlation id. */
export interface WriteContext {
  /** Correlation id of the checkout the write belongs to. */
  readonly correlationId: string;
}

/** One page of a listing; `nextCursor` is opaque and absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/**
 * Order persistence, implemented by `adapters/order.repository.ts` (DynamoDB).
 * Use cases ask only for the methods they use (`Pick<OrderRepository, 'get'>`).
 */
export interface OrderRepository {
  /** The order with this id, or `undefined` (strongly consistent). */
  get(orderId: string): Promise<Order | undefined>;

  /**
   * Stores a new order, only if no order has its id.
   * @throws OrderAlreadyExistsError when the id is taken.
   */
  create(order: Order, context: WriteContext): Promise<void>;

  /**
   * Moves the order to `target` at `at` in one atomic conditional write, without reading it first:
   * the status machine's rules (`transitionSources`) are the write's condition, and it stores what
   * `transitionOrder` would give (status, history entry, cancellation reason when cancelling,
   * `updatedAt`, version + 1) with the correlation id of `context`. When the condition fails, the
   * stored order tells why: already in the target status is no change (`changed: false`; the first
   * cancellation reason wins), another status is a refusal.
   * @returns the order as stored after the call, and whether this call changed it.
   * @throws OrderNotFoundError when no order has this id.
   * @throws InvalidOrderTransitionError when the order's status may not move to `target`.
   */
  changeStatus(orderId: string, target: StatusTarget, at: Date, context: WriteContext): Promise<TransitionResult>;

  /**
   * One page of a customer's orders, newest placed first (a Query on the customer index).
   * @param cursor an opaque `nextCursor` of a previous page.
   * @throws InvalidCursorError (from `@shop/domain`) when the cursor was not issued for this customer.
   */
  listByCustomer(customerId: string, limit: number, cursor?: string): Promise<Page<Order>>;
}

/** An event the order service publishes (from its table stream, see `handlers/publish-events.handler.ts`). */
export type OrderEvent = OrderConfirmed | OrderCancelled;

/**
 * Whether {@link OrderSaga.start} started the order's execution (or Step Functions answered with
 * the still-running execution of an identical earlier start) or found it already there.
 */
export type SagaStart = 'started' | 'already-started';

/**
 * Starts the order saga, implemented by `adapters/order-saga.starter.ts` (Step Functions
 * `StartExecution`, the execution named after the order id so a second start is a no-op).
 */
export interface OrderSaga {
  start(input: OrderSagaInput): Promise<SagaStart>;
}

/** The time source, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
