import { OrderNotFoundError } from './errors';
import type { Order } from './order';
import type { OrderRepository } from './ports';

/** What {@link getCustomerOrder} needs. */
export interface GetOrderDeps {
  readonly orders: Pick<OrderRepository, 'get'>;
}

/**
 * One of the customer's own orders.
 * @throws OrderNotFoundError when there is no such order, and equally when it is another
 * customer's: a caller cannot even learn that someone else's order id exists.
 */
export const getCustomerOrder = async (deps: GetOrderDeps, customerId: string, orderId: string): Promise<Order> => {
  const order = await deps.orders.get(orderId);
  if (!order || order.customerId !== customerId) throw new OrderNotFoundError(orderId);
  return order;
};
