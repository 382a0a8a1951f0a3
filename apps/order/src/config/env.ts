import { envVar } from '@shop/observability/env';
import * as z from 'zod/mini';

/** A whole number of seconds (1 to 9,999,999), read as milliseconds. */
export const wholeSecondsAsMs = z.pipe(
  z.string().check(z.regex(/^[1-9]\d{0,6}$/, 'a positive whole number of seconds')),
  z.transform((seconds) => Number(seconds) * 1000),
);

/**
 * The environment of the order functions: each variable's name, which the stack sets, and how a
 * handler reads its value at cold start (`coldStart({ env: pickEnv(ORDER_ENV, ...) })`).
 */
export const ORDER_ENV = {
  /** The order table (every function but the stream relay). */
  tableName: envVar('TABLE_NAME'),
  /** The order topic (the stream relay and the replay). */
  topicArn: envVar('TOPIC_ARN'),
  /** The saga state machine's ARN (the executions are named after the orders): intake and sweep. */
  stateMachineArn: envVar('STATE_MACHINE_ARN'),
  /** payment's `refund-payment` function ARN (the same SSM parameter the saga reads): reconciler and sweep. */
  refundPaymentFunctionArn: envVar('REFUND_PAYMENT_FUNCTION_ARN'),
  /** inventory's `release-stock` function ARN (the same SSM parameter the saga reads): reconciler and sweep. */
  releaseStockFunctionArn: envVar('RELEASE_STOCK_FUNCTION_ARN'),
  /** After an execution stopped, how long a Task it started may still land (the saga's Task timeout plus a margin): reconciler and sweep. */
  inFlightGraceMs: envVar('IN_FLIGHT_GRACE_SECONDS', wholeSecondsAsMs),
  /** How long after which a PENDING order is past any saga run (the execution timeout plus a margin): sweep only. */
  staleAfterMs: envVar('STALE_AFTER_SECONDS', wholeSecondsAsMs),
};
