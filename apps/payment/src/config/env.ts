import { envVar } from '@shop/observability/env';
import { FAILURE_TOKENS_ENV, parseFailureTokens } from '../adapters/failure-tokens';

/**
 * The environment of the payment functions: each variable's name, which the stack sets, and how
 * a handler reads its value at cold start (`coldStart({ env: pickEnv(PAYMENT_ENV, ...) })`).
 */
export const PAYMENT_ENV = {
  /** The payment table (every function). */
  tableName: envVar('TABLE_NAME'),
  /** Whether the simulator's failure tokens work (charge only); anything but enabled/disabled fails the cold start. */
  failureTokens: envVar(FAILURE_TOKENS_ENV, parseFailureTokens),
};
