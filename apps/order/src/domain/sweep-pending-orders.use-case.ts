import type { Clock, OrderRepository, OrderSaga, StoredOrder } from './ports';
import type { ReconcileOrderCommand, ReconcileOutcome } from './reconcile-order.use-case';

/** PENDING orders read per Query. */
export const SWEEP_PAGE_SIZE = 25;

/**
 * Time left in the invocation under which the sweep examines no further order: enough for one
 * reconciliation whose compensations answer. One cut off by the timeout (compensations that keep
 * timing out) is still listed by the status index, and redone by the next run.
 */
export const SWEEP_TIME_RESERVE_MS = 60_000;

/** What {@link sweepPendingOrders} needs. */
export interface SweepPendingOrdersDeps {
  readonly orders: Pick<OrderRepository, 'listPending' | 'partitions'>;
  readonly saga: Pick<OrderSaga, 'describe'>;
  /** Reconciles one order (`reconcileOrder` with its dependencies). */
  readonly reconcile: (command: ReconcileOrderCommand) => Promise<ReconcileOutcome>;
  readonly clock: Clock;
  /** Milliseconds left before the run is cut off (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  /**
   * Age after which a PENDING order is past any run of its saga: the execution timeout plus a
   * margin. Younger orders may still have a running execution and are not even described.
   */
  readonly staleAfterMs: number;
  /** @default SWEEP_PAGE_SIZE */
  readonly pageSize?: number;
  /** @default SWEEP_TIME_RESERVE_MS */
  readonly timeReserveMs?: number;
}

/** An order the sweep could not reconcile (it stays PENDING; the next run tries again). */
export interface SweepFailure {
  readonly orderId: string;
  /** The error's name. */
  readonly error: string;
}

/** What one sweep did. */
export interface SweepResult {
  /** Stale PENDING orders examined. */
  readonly examined: number;
  /** Left alone because their execution still runs (or waits for a redrive). */
  readonly running: number;
  /** Compensated (stock released, payment refunded). */
  readonly compensated: number;
  /** Flagged NEEDS_ATTENTION because a compensation still failed. */
  readonly needsAttention: number;
  /** Found already settled (e.g. confirmed between the Query and the fence): nothing done. */
  readonly untouched: number;
  readonly failures: readonly SweepFailure[];
  /** `done`: every partition read to its end; `time`: stopped before the function's timeout. */
  readonly stoppedBy: 'done' | 'time';
}

/**
 * The reconciler's backstop: finds the PENDING orders older than any saga can run and reconciles
 * each whose execution is not running: an execution that ended without its status-change event
 * reaching the reconciler (or with the reconciler failing on it), or an order whose saga was never
 * started; and the orders a reconciliation fenced and did not finish compensating (they stay in
 * the PENDING partitions until settled: see `OrderRepository.settle`). For each stale order it asks
 * Step Functions for the execution named after it: RUNNING (or PENDING_REDRIVE) → left alone; ended,
 * or none → {@link ReconcileOrderCommand}.
 *
 * It reads the status index's PENDING partitions one page at a time in turn, so a partition full of
 * orders that cannot be reconciled yet never starves the others; it stops before the invocation's
 * time runs out. An order that fails is recorded and the sweep goes on.
 */
export const sweepPendingOrders = async (deps: SweepPendingOrdersDeps): Promise<SweepResult> => {
  const pageSize = deps.pageSize ?? SWEEP_PAGE_SIZE;
  const reserveMs = deps.timeReserveMs ?? SWEEP_TIME_RESERVE_MS;
  const cutoff = new Date(deps.clock.now().getTime() - deps.staleAfterMs).toISOString();
  const tally = { examined: 0, running: 0, compensated: 0, needsAttention: 0, untouched: 0 };
  const failures: SweepFailure[] = [];
  const result = (stoppedBy: SweepResult['stoppedBy']): SweepResult => ({ ...tally, failures, stoppedBy });

  const examine = async ({ order }: StoredOrder): Promise<void> => {
    // The index is sorted by checkout time; an order can reach the intake later (a backlog), so
    // its own creation time decides whether its saga could still be running.
    if (order.createdAt >= cutoff) return;
    tally.examined += 1;
    try {
      const execution = await deps.saga.describe(order.orderId);
      if (execution.status === 'RUNNING' || execution.status === 'PENDING_REDRIVE') {
        tally.running += 1;
        return;
      }
      const outcome = await deps.reconcile({ orderId: order.orderId, execution });
      if (outcome.action === 'compensated') tally.compensated += 1;
      else if (outcome.action === 'needs-attention') tally.needsAttention += 1;
      else tally.untouched += 1;
    } catch (error) {
      failures.push({ orderId: order.orderId, error: error instanceof Error ? error.name : 'Error' });
    }
  };

  const cursors = new Map<number, string | undefined>(
    Array.from({ length: deps.orders.partitions }, (_, partition) => [partition, undefined]),
  );
  while (cursors.size > 0) {
    for (const [partition, cursor] of cursors) {
      if (deps.remainingTimeMs() < reserveMs) return result('time');
      const page = await deps.orders.listPending(partition, cutoff, pageSize, cursor);
      for (const stored of page.items) {
        if (deps.remainingTimeMs() < reserveMs) return result('time');
        await examine(stored);
      }
      if (page.nextCursor === undefined) cursors.delete(partition);
      else cursors.set(partition, page.nextCursor);
    }
  }
  return result('done');
};
