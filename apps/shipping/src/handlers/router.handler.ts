import { documentClient } from '@shop/dynamodb';
import { createRestRouter, registerRoutes, requireCaller, resolveRestRequest, type ProxyFunction } from '@shop/http';
import { coldStart, pickEnv, withObservability, type LogSink } from '@shop/observability';
import { DynamoShipmentRepository } from '../adapters/shipment.repository';
import { api } from '../api/routes';
import { SHIPPING_ENV } from '../config/env';
import { getShipmentForCustomer } from '../domain/get-shipment.use-case';
import type { ShipmentRepository } from '../domain/ports';

/** What the shipping API needs; tests pass in-memory fakes. */
export interface ShippingApiDeps {
  readonly shipments: Pick<ShipmentRepository, 'getByOrderId'>;
  readonly logger: Pick<LogSink, 'debug' | 'error'>;
}

/**
 * The shipping API (routes relative to the service root, declared in api/routes.ts; every route needs a signed-in caller):
 * - `GET /{orderId}`: the shipment of one of the caller's own orders; 404 when the order has no
 *   shipment or is someone else's (indistinguishable on purpose); 400 for an id that is not a UUID.
 */
export const createShippingApi = (deps: ShippingApiDeps): ProxyFunction => {
  const router = createRestRouter({ logger: deps.logger });

  registerRoutes(router, api, {
    getShipment: async ({ reqCtx, input }) => {
      const caller = requireCaller(reqCtx.event);
      const { params } = await input();
      return Response.json(await getShipmentForCustomer(deps, { orderId: params.orderId, customerId: caller.sub }));
    },
  });

  return (event, context) => resolveRestRequest(router, event, context);
};

// Cold start: configuration, clients and the router are built once per execution environment.
const { observability, logger, env, clients } = coldStart({ env: pickEnv(SHIPPING_ENV, 'tableName'), clients: { db: documentClient } });

/** Lambda entry point: the shipping API with the shop's observability. */
export const handler = withObservability(
  createShippingApi({ shipments: new DynamoShipmentRepository(clients.db, env.tableName), logger }),
  {
    observability,
  },
);
