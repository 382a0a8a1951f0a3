import { envVar } from '@shop/observability/env';

/**
 * The environment of the inventory functions: each variable's name, which the stack sets, and how
 * a handler reads its value at cold start (`coldStart({ env: INVENTORY_ENV })`).
 */
export const INVENTORY_ENV = {
  /** The inventory table (every function). */
  tableName: envVar('TABLE_NAME'),
};
