import { envVar } from '@shop/observability/env';

/**
 * The environment of the basket functions: each variable's name, which the stack sets, and how
 * a handler reads its value at cold start (`coldStart({ env: pickEnv(BASKET_ENV, ...) })`).
 */
export const BASKET_ENV = {
  /** The basket table (every function). */
  tableName: envVar('TABLE_NAME'),
  /** The order service's intake queue that checkout sends `PlaceOrder` to (router only). */
  orderIntakeQueueUrl: envVar('ORDER_INTAKE_QUEUE_URL'),
};
