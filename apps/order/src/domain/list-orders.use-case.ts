import * as z from 'zod/mini';
import type { Order } from './order';
import type { OrderRepository, Page } from './ports';

/** Maximum page size of an order listing. */
export const MAX_PAGE_SIZE = 50;

/** Default page size of an order listing. */
export const DEFAULT_PAGE_SIZE = 20;

const limitError = `Limit must be an integer from 1 to ${MAX_PAGE_SIZE}.`;

/** Query of `GET /orders`. Unknown query parameters are ignored (cache busters, tracking tags). */
export const ListOrdersQuerySchema = z.object({
  limit: z._default(
    z.coerce
      .number({ error: limitError })
      .check(z.int({ error: limitError }), z.minimum(1, { error: limitError }), z.maximum(MAX_PAGE_SIZE, { error: limitError })),
    DEFAULT_PAGE_SIZE,
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
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
