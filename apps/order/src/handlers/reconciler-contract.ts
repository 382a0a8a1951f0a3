/*
 * The reconciler's contract with its stack: the environment its functions read and the Step
 * Functions events its rule matches. No imports, so the stack (CDK) shares these names with the
 * handlers without loading any runtime code.
 */

/** Environment of the reconciler's functions (`reconcile-order`, `sweep-pending-orders`). */
export const RECONCILER_ENV = {
  /** payment's `refund-payment` function ARN (the same SSM parameter the saga reads). */
  refundPaymentFunctionArn: 'REFUND_PAYMENT_FUNCTION_ARN',
  /** inventory's `release-stock` function ARN (the same SSM parameter the saga reads). */
  releaseStockFunctionArn: 'RELEASE_STOCK_FUNCTION_ARN',
  /** Seconds after an execution stopped during which a Task it started may still land (the saga's Task timeout plus a margin). */
  inFlightGraceSeconds: 'IN_FLIGHT_GRACE_SECONDS',
  /** Seconds after which a PENDING order is past any saga run (the execution timeout plus a margin); sweep only. */
  staleAfterSeconds: 'STALE_AFTER_SECONDS',
  /** The saga state machine's ARN (the executions are named after the orders); sweep only. */
  stateMachineArn: 'STATE_MACHINE_ARN',
} as const;

/** `source` of the events Step Functions sends to the default bus. */
export const STEP_FUNCTIONS_SOURCE = 'aws.states';

/** `detail-type` of an execution's status change. */
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/** The execution ends the reconciler acts on (the rule's pattern; anything else is ignored). */
export const RECONCILED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
