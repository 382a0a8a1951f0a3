import { envVar } from '@shop/observability/env';

/**
 * The environment of the product functions: each variable's name, which the stack sets, and how
 * a handler reads its value at cold start (`coldStart({ env: pickEnv(PRODUCT_ENV, ...) })`).
 */
export const PRODUCT_ENV = {
  /** The product table (every function but the stream publisher). */
  tableName: envVar('TABLE_NAME'),
  /** The product topic (the stream publisher and the replay). */
  topicArn: envVar('TOPIC_ARN'),
};
