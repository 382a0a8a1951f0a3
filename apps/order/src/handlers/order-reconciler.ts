import { MetricUnit, type LogSink, type MetricSink } from '@shop/observability';
import {
  reconcileOrder,
  type ReconcileOrderCommand,
  type ReconcileOrderDeps,
  type ReconcileOutcome,
} from '../domain/reconcile-order.use-case';
import { NEEDS_ATTENTION_METRIC } from '../domain/saga-tasks';

/** What the reconciler needs; tests pass fakes. */
export interface ReconcilerDeps extends ReconcileOrderDeps {
  readonly logger: Pick<LogSink, 'info' | 'warn' | 'error'>;
  readonly metrics: MetricSink;
}

/**
 * Reconciles one order with {@link reconcileOrder} and reports it: logs what was done and counts
 * `OrderFenced`, `OrderReconciled` and {@link NEEDS_ATTENTION_METRIC} (the order stack's alarm).
 * Shared by `reconcile-order` and `sweep-pending-orders`.
 */
export const createOrderReconciler =
  (deps: ReconcilerDeps) =>
  async (command: ReconcileOrderCommand): Promise<ReconcileOutcome> => {
    const outcome = await reconcileOrder(deps, command);
    const fields = { orderId: command.orderId, execution: command.execution.status, ...outcome };
    if (outcome.action === 'none') {
      deps.logger.info('Nothing to reconcile', fields);
      return outcome;
    }
    if (outcome.fenced) deps.metrics.addMetric('OrderFenced', MetricUnit.Count, 1);
    if (outcome.action === 'compensated') {
      deps.metrics.addMetric('OrderReconciled', MetricUnit.Count, 1);
      deps.logger.info('Reconciled an order its saga left behind: stock released, payment refunded', fields);
    } else {
      if (outcome.flagged) deps.metrics.addMetric(NEEDS_ATTENTION_METRIC, MetricUnit.Count, 1);
      deps.logger.error('A compensation still fails: the order needs an operator', fields);
    }
    return outcome;
  };
