import { envVar } from '@shop/observability/env';

/**
 * The environment of the shipping functions: each variable's name, which the stack sets, and how
 * a handler reads its value at cold start (`coldStart({ env: pickEnv(SHIPPING_ENV, ...) })`).
 */
export const SHIPPING_ENV = {
  /** The shipping table (every function but the stream publisher). */
  tableName: envVar('TABLE_NAME'),
  /** The shipping topic (the stream publisher and the replay). */
  topicArn: envVar('TOPIC_ARN'),
};
