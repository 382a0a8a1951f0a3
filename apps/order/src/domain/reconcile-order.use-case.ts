import type { CancellationReason, Order, OrderStatus } from './order';
import type { Clock, OrderRepository, SagaCompensations, SagaExecution, SagaExecutionStatus } from './ports';

/** Cancellation reason of an order whose saga ended without finishing (the reconciler's fence). */
export const PROCESSING_FAILED: CancellationReason = 'PROCESSING_FAILED';

/** Execution ends after which a participant it invoked may still be running (Step Functions does not stop it). */
const ENDS_WITH_TASK_IN_FLIGHT: ReadonlySet<SagaExecutionStatus> = new Set(['TIMED_OUT', 'ABORTED']);

/** Execution statuses that mean the saga may still act on the order. */
const STILL_RUNNING: ReadonlySet<SagaExecutionStatus> = new Set(['RUNNING', 'PENDING_REDRIVE']);

/** What {@link reconcileOrder} needs. */
export interface ReconcileOrderDeps {
  readonly orders: Pick<OrderRepository, 'getStored' | 'fence' | 'changeStatus' | 'settle'>;
  readonly compensations: SagaCompensations;
  readonly clock: Clock;
  /** Waits `ms` milliseconds (tests pass one that only records). */
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * How long after an execution stopped a participant it invoked may still be running: the longest
   * a saga Task's invocation can last. A timed-out or aborted execution's last Task may land its
   * reservation or charge after the first compensation; a second one after this grace catches it.
   */
  readonly inFlightGraceMs: number;
}

/** The order to reconcile and how its saga execution ended. */
export interface ReconcileOrderCommand {
  readonly orderId: string;
  /** How the order's execution ended, or `NOT_FOUND` when it has none. */
  readonly execution: SagaExecution;
}

/** One compensation of the saga, as the reconciler ran it. */
export interface CompensationOutcome {
  readonly name: 'RefundPayment' | 'ReleaseStock';
  /** Whether it undid something (false: nothing to undo); absent when it failed. */
  readonly undone?: boolean;
  /** The name of the error it failed with after its retries. */
  readonly error?: string;
}

/** Why {@link reconcileOrder} changed nothing. */
export type NothingToReconcile = 'order-not-found' | 'execution-running' | 'order-settled';

/** What {@link reconcileOrder} did. */
export type ReconcileOutcome =
  | { readonly action: 'none'; readonly reason: NothingToReconcile; readonly status?: OrderStatus }
  | {
      /** `compensated`: stock released and payment refunded; `needs-attention`: a compensation still failed. */
      readonly action: 'compensated' | 'needs-attention';
      /** Whether this run fenced the order (PENDING → CANCELLED `PROCESSING_FAILED`). */
      readonly fenced: boolean;
      /** Whether this run flagged the order NEEDS_ATTENTION (count the metric). */
      readonly flagged: boolean;
      /** The order's status when the run ended. */
      readonly status: OrderStatus;
      /** 2 when the compensations ran again after a Task that may have been in flight. */
      readonly passes: 1 | 2;
      /** The compensations of the last pass. */
      readonly compensations: readonly CompensationOutcome[];
    };

/**
 * Whether the saga left this order holding stock or money that the reconciler must give back:
 * cancelled by the reconciler's own fence (a re-run after a crash between the fence and the
 * compensations, or a redelivered event, lands here), or flagged NEEDS_ATTENTION without ever
 * having been confirmed (the saga may have stopped between its fence and its compensations).
 * A CONFIRMED order, or one cancelled for a business reason (the saga compensated before it
 * cancelled), is never touched.
 */
export const holdsSagaResources = (order: Order): boolean =>
  (order.status === 'CANCELLED' && order.cancellationReason === PROCESSING_FAILED) ||
  (order.status === 'NEEDS_ATTENTION' && !order.statusHistory.some((change) => change.status === 'CONFIRMED'));

const failureName = (error: unknown): string => (error instanceof Error && error.name ? error.name : 'Error');

const compensate = async (deps: ReconcileOrderDeps, orderId: string, correlationId: string): Promise<CompensationOutcome[]> => {
  const run = async (name: CompensationOutcome['name'], call: () => Promise<{ undone: boolean }>): Promise<CompensationOutcome> => {
    try {
      return { name, undone: (await call()).undone };
    } catch (error) {
      return { name, error: failureName(error) };
    }
  };
  // Reverse order of the forward steps, as the saga compensates; the release is attempted even
  // when the refund failed, so a payment problem never keeps the stock.
  return [
    await run('RefundPayment', () => deps.compensations.refundPayment(orderId, correlationId)),
    await run('ReleaseStock', () => deps.compensations.releaseStock(orderId, correlationId)),
  ];
};

/**
 * Reconciles an order whose saga execution ended other than by succeeding (or has none): no
 * execution may end with stock reserved or a payment captured for an order that is not confirmed.
 * - A PENDING order is fenced first: one conditional write PENDING → CANCELLED `PROCESSING_FAILED`
 *   (never from another status), so a late ConfirmOrder can never land after the refund.
 * - An order cancelled `PROCESSING_FAILED` or flagged NEEDS_ATTENTION without having been confirmed
 *   then gets the saga's compensations, RefundPayment and ReleaseStock (idempotent per order id,
 *   no-ops where nothing happened). After a TIMED_OUT or ABORTED execution whose last Task may still
 *   be running, they run again once that Task can no longer land (`inFlightGraceMs` after the stop).
 * - A compensation that still fails flags the order NEEDS_ATTENTION (CANCELLED → NEEDS_ATTENTION).
 * - An order cancelled by the fence stays in the sweep's sight (`listPending`) until its
 *   compensations are done and it is settled: a run cut off in between is found and redone.
 * - A CONFIRMED order, an order cancelled for a business reason, or one whose execution is still
 *   running is left alone.
 * Safe to run any number of times: a re-run finds the fence in place and only redoes the
 * idempotent compensations. Writes and compensations carry the correlation id of the order's last write.
 * @throws whatever the order table throws (the caller retries the whole run).
 */
export const reconcileOrder = async (deps: ReconcileOrderDeps, command: ReconcileOrderCommand): Promise<ReconcileOutcome> => {
  const { orderId, execution } = command;
  if (STILL_RUNNING.has(execution.status)) return { action: 'none', reason: 'execution-running' };
  const stored = await deps.orders.getStored(orderId);
  if (!stored) return { action: 'none', reason: 'order-not-found' };
  const context = { correlationId: stored.correlationId };

  let order = stored.order;
  let fenced = false;
  if (order.status === 'PENDING') {
    const result = await deps.orders.fence(orderId, { status: 'CANCELLED', reason: PROCESSING_FAILED }, deps.clock.now(), context);
    order = result.order;
    fenced = result.changed;
  }
  if (!holdsSagaResources(order)) return { action: 'none', reason: 'order-settled', status: order.status };

  let compensations = await compensate(deps, orderId, context.correlationId);
  let passes: 1 | 2 = 1;
  if (ENDS_WITH_TASK_IN_FLIGHT.has(execution.status) && execution.stoppedAt) {
    const waitMs = execution.stoppedAt.getTime() + deps.inFlightGraceMs - deps.clock.now().getTime();
    if (waitMs > 0) {
      await deps.sleep(waitMs);
      compensations = await compensate(deps, orderId, context.correlationId);
      passes = 2;
    }
  }

  const failed = compensations.find((compensation) => compensation.error !== undefined);
  if (!failed) {
    // Only now does the sweep stop listing the order: a run cut off before this point is redone.
    if (order.status === 'CANCELLED') await deps.orders.settle(orderId);
    return { action: 'compensated', fenced, flagged: false, status: order.status, passes, compensations };
  }
  let flagged = false;
  if (order.status !== 'NEEDS_ATTENTION') {
    const target = { status: 'NEEDS_ATTENTION', reason: failed.error ?? 'Error' } as const;
    const result = await deps.orders.changeStatus(orderId, target, deps.clock.now(), context);
    order = result.order;
    flagged = result.changed;
  }
  return { action: 'needs-attention', fenced, flagged, status: order.status, passes, compensations };
};
