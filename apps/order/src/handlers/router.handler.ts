import { documentClient } from '@shop/dynamodb';
import { createRestRouter, registerRoutes, requireCaller, resolveRestRequest, type ProxyFunction } from '@shop/http';
import { coldStart, pickEnv, withObservability, type LogSink } from '@shop/observability';
import { DynamoOrderRepository } from '../adapters/order.repository';
import { api } from '../api/routes';
import { ORDER_ENV } from '../config/env';
import { getCustomerOrder } from '../domain/get-order.use-case';
import { listCustomerOrders } from '../domain/list-orders.use-case';
import { toOrderView } from '../domain/order-view';
import type { OrderRepository } from '../domain/ports';

/** What the order API needs; tests pass in-memory fakes. */
export interface OrderApiDeps {
  readonly orders: Pick<OrderRepository, 'get' | 'listByCustomer'>;
  readonly logger: Pick<LogSink, 'debug' | 'error'>;
}

// A customer's orders are personal: no shared cache may keep them.
const PRIVATE = { 'Cache-Control': 'no-store' };

/**
 * The order API for signed-in customers (routes relative to the service root, declared in api/routes.ts; the customer is
 * always the token's `sub`, never a path or query field):
 * - `GET /?limit=&cursor=`: one page of the caller's orders, newest first, `{ items, nextCursor }`;
 * - `GET /{orderId}`: one of the caller's orders; 404 for an unknown order and equally for
 *   another customer's.
 * Each order shows status, lines, total, address and status history. No token → 401.
 */
export const createOrderApi = (deps: OrderApiDeps): ProxyFunction => {
  const { orders } = deps;
  const router = createRestRouter({ logger: deps.logger });

  registerRoutes(router, api, {
    listOrders: async ({ reqCtx, input }) => {
      const caller = requireCaller(reqCtx.event);
      const { query } = await input();
      const page = await listCustomerOrders({ orders }, caller.sub, query);
      const items = page.items.map(toOrderView);
      return Response.json(page.nextCursor ? { items, nextCursor: page.nextCursor } : { items }, { headers: PRIVATE });
    },

    getOrder: async ({ reqCtx, input }) => {
      const caller = requireCaller(reqCtx.event);
      const { params } = await input();
      return Response.json(toOrderView(await getCustomerOrder({ orders }, caller.sub, params.orderId)), { headers: PRIVATE });
    },
  });

  return (event, context) => resolveRestRequest(router, event, context);
};

// Cold start: configuration, clients and the router are built once per execution environment.
const { observability, logger, env, clients } = coldStart({ env: pickEnv(ORDER_ENV, 'tableName'), clients: { db: documentClient } });

/** Lambda entry point: the order API with the shop's observability. */
export const handler = withObservability(createOrderApi({ orders: new DynamoOrderRepository(clients.db, env.tableName), logger }), {
  observability,
});
