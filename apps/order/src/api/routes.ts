import { MoneySchema } from '@shop/domain';
import { defineApi } from '@shop/http/api';
import { CancellationReasonSchema, OrderIdSchema, OrderLinesSchema, OrderStatusSchema, ShippingAddressSchema } from '@shop/order-contracts';
import * as z from 'zod/mini';
import { ListOrdersQuerySchema } from '../domain/list-orders.use-case';
import { StatusChangeSchema } from '../domain/order';

/** An order as the API shows it to its owner (the domain's `OrderView`): no customer id, no bookkeeping. */
export const OrderViewSchema = z.object({
  orderId: OrderIdSchema,
  status: OrderStatusSchema,
  cancellationReason: z.optional(CancellationReasonSchema),
  lines: OrderLinesSchema,
  total: MoneySchema,
  shippingAddress: ShippingAddressSchema,
  statusHistory: z.array(StatusChangeSchema).check(z.minLength(1)),
  placedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** One page of the caller's orders, newest first; `nextCursor` when there is a next page. */
export const OrderPageSchema = z.object({ items: z.array(OrderViewSchema), nextCursor: z.optional(z.string()) });

/**
 * The order API for signed-in customers (`/orders` on the API domain): the one source of the
 * router (handlers/router.handler.ts) and of `dist/apps/order/openapi.json`.
 */
export const api = defineApi({
  info: {
    service: 'order',
    title: 'Order API',
    version: '1.0.0',
    description: "The caller's own orders (the customer is always the token's `sub`): status, lines, total, address and status history.",
    basePath: '/orders',
  },
  schemas: { OrderView: OrderViewSchema, OrderPage: OrderPageSchema },
  routes: {
    listOrders: {
      method: 'GET',
      path: '/',
      summary: "One page of the caller's orders, newest first",
      auth: 'customer',
      query: ListOrdersQuerySchema,
      responses: { 200: { description: 'The page', body: 'OrderPage', headers: ['Cache-Control'] } },
    },
    getOrder: {
      method: 'GET',
      path: '/{orderId}',
      summary: "One of the caller's orders",
      description: "404 for an unknown order and equally for another customer's.",
      auth: 'customer',
      params: { orderId: OrderIdSchema },
      responses: { 200: { description: 'The order', body: 'OrderView', headers: ['Cache-Control'] } },
      problems: [404],
    },
  },
});
