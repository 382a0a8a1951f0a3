import type { OrderCancelled, OrderConfirmed, OrderNeedsAttention, OrderSagaInput } from '@shop/order-contracts';
import type { FenceTarget, Order, StatusTarget, TransitionResult } from './order';

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

/** An order with the correlation id of the write that stored it last (the one its event carries). */
export interface StoredOrder {
  readonly order: Order;
  readonly correlationId: string;
}

/**
 * Order persistence, implemented by `adapters/order.repository.ts` (DynamoDB).
 * Use cases ask only for the methods they use (`Pick<OrderRepository, 'get'>`).
 */
export interface OrderRepository {
  /** The order with this id, or `undefined` (strongly consistent). */
  get(orderId: string): Promise<Order | undefined>;

  /** The order with this id and the correlation id of its last write, or `undefined` (strongly consistent). */
  getStored(orderId: string): Promise<StoredOrder | undefined>;

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
   * The fence: moves the order to `target` only if it is PENDING, in one conditional write like
   * {@link changeStatus}. An order in any other status is left as it is and returned with
   * `changed: false`, so the caller sees what stopped it (e.g. CONFIRMED: a confirmation landed).
   * @throws OrderNotFoundError when no order has this id.
   */
  fence(orderId: string, target: FenceTarget, at: Date, context: WriteContext): Promise<TransitionResult>;

  /**
   * One page of a customer's orders, newest placed first (a Query on the customer index).
   * @param cursor an opaque `nextCursor` of a previous page.
   * @throws InvalidCursorError (from `@shop/domain`) when the cursor was not issued for this customer.
   */
  listByCustomer(customerId: string, limit: number, cursor?: string): Promise<Page<Order>>;

  /**
   * The orders are indexed by status and checkout time in {@link partitions} partitions (a sharded
   * index, so that no single key takes every write); each is read on its own.
   */
  readonly partitions: number;

  /**
   * Takes an order the reconciler cancelled (`PROCESSING_FAILED`) out of the PENDING partitions
   * once its compensations are done; until then {@link listPending} lists it, so a reconciliation
   * cut off between its fence and its compensations is found again. A no-op for any other order.
   */
  settle(orderId: string): Promise<void>;

  /**
   * One page of one PENDING partition, oldest checkout first (a Query on the status index, never a
   * Scan): the PENDING orders placed before `placedBefore` (ISO 8601), and those the reconciler
   * cancelled and has not {@link settle}d.
   * @param partition 0 to {@link partitions} - 1.
   * @throws InvalidCursorError when the cursor was not issued for this partition.
   */
  listPending(partition: number, placedBefore: string, limit: number, cursor?: string): Promise<Page<StoredOrder>>;

  /**
   * One page of the orders of one partition that have left PENDING and were placed in
   * [`placedFrom`, `placedTo`) (ISO 8601), oldest first (a Query on the status index, never a Scan).
   * @param partition 0 to {@link partitions} - 1.
   * @throws InvalidCursorError when the cursor was not issued for this partition.
   */
  listSettled(partition: number, placedFrom: string, placedTo: string, limit: number, cursor?: string): Promise<Page<StoredOrder>>;
}

/** An event the order service publishes (from its table stream, see `handlers/publish-events.handler.ts`). */
export type OrderEvent = OrderConfirmed | OrderCancelled | OrderNeedsAttention;

/** Publishes order events (the SNS topic; the stream relay and the replay share one). */
export interface OrderEventPublisher {
  publish(event: OrderEvent): Promise<void>;
}

/**
 * Whether {@link OrderSaga.start} started the order's execution (or Step Functions answered with
 * the still-running execution of an identical earlier start) or found it already there.
 */
export type SagaStart = 'started' | 'already-started';

/** Where an order's saga execution is: Step Functions' status, or none found. */
export type SagaExecutionStatus = 'RUNNING' | 'PENDING_REDRIVE' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'NOT_FOUND';

/** What {@link OrderSaga.describe} found. */
export interface SagaExecution {
  readonly status: SagaExecutionStatus;
  /** When it ended (absent while running, or when there is none). */
  readonly stoppedAt?: Date;
}

/**
 * The order saga, implemented by `adapters/order-saga.starter.ts` (Step Functions, the execution
 * named after the order id so a second start is a no-op).
 */
export interface OrderSaga {
  start(input: OrderSagaInput): Promise<SagaStart>;
  /** The order's execution (`NOT_FOUND` when none exists, or no longer). */
  describe(orderId: string): Promise<SagaExecution>;
}

/** A compensation's answer: whether it undid something (false: there was nothing to undo). */
export interface CompensationResult {
  readonly undone: boolean;
}

/**
 * The saga participants' compensations, called directly (not through the saga) by the reconciler.
 * Both are idempotent per order id and no-ops where nothing happened. Implemented by
 * `adapters/saga-compensations.ts` (Lambda Invoke of the participants' functions).
 */
export interface SagaCompensations {
  /** payment: refund the order's charge, void its authorization. */
  refundPayment(orderId: string, correlationId: string): Promise<CompensationResult>;
  /** inventory: put the order's reservation back. */
  releaseStock(orderId: string, correlationId: string): Promise<CompensationResult>;
}

/** The time source, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
