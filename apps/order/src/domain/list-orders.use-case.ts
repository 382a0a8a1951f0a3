import * as z from 'zod';
import type { Order } from './order';
import type { OrderRepository, Page } from './ports';

/** Maximum page size of an order listing. */
export const MAX_PAGE_SIZE = 50;

/** Default page size of an order listing. */
export const DEFAULT_PAGE_SIZE = 20;

const limitError = `Limit must be an integer from 1 to ${MAX_PAGE_SIZE}.`;

/** Query of `GET /orders`. Unknown query parameters are ignored (cache busters, tracking tags). */
export const ListOrdersQuerySchema = z.object({
  limit: z.coerce
    .number({ error: limitError })
    .int({ error: limitError })
    .min(1, { error: limitError })
    .max(MAX_PAGE_SIZE, { error: limitError })
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(2048).optional(),
});

/** A parsed order listing query. */
export type ListOrdersQuery = z.infer<typeof ListOrdersQuerySchema>;

/** What {@link listCustomerOrders} needs. */
export interface ListOrdersDeps {
  readonly orders: Pick<OrderRepository, 'listByCustomer'>;
}

/**
 * One page of the customer's own orders, newest placed first.
 * @throws InvalidCursorError when the cursor was not issued for this customer's listing.
 */
export const listCustomerOrders = (deps: ListOrdersDeps, customerId: string, query: ListOrdersQuery): Promise<Page<Order>> =>
  deps.orders.listByCustomer(customerId, query.limit, query.cursor);
