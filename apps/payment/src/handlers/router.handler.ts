import { documentClient } from '@shop/dynamodb';
import { createRestRouter, registerRoutes, resolveRestRequest, type ProxyFunction } from '@shop/http';
import { coldStart, pickEnv, withObservability, type LogSink } from '@shop/observability';
import { DynamoPaymentRepository } from '../adapters/payment.repository';
import { api } from '../api/routes';
import { PAYMENT_ENV } from '../config/env';
import { getPayment } from '../domain/get-payment.use-case';
import type { PaymentRepository } from '../domain/ports';

/** What the payment API needs; tests pass in-memory fakes. */
export interface PaymentApiDeps {
  readonly payments: Pick<PaymentRepository, 'get'>;
  readonly logger: Pick<LogSink, 'debug' | 'error'>;
}

/**
 * The payment API (routes relative to the service root, declared in api/routes.ts, for administrators only):
 * - `GET /{orderId}`: the order's payment `{ orderId, paymentId, status, amount, attempts, ... }`;
 *   404 when none was attempted, 400 for an id that is not a UUID.
 */
export const createPaymentApi = (deps: PaymentApiDeps): ProxyFunction => {
  const { payments } = deps;
  const router = createRestRouter({ logger: deps.logger });
  registerRoutes(router, api, {
    getPayment: async ({ input }) => {
      const { params } = await input();
      return Response.json(await getPayment({ payments }, params.orderId));
    },
  });

  return (event, context) => resolveRestRequest(router, event, context);
};

// Cold start: configuration, clients and the router are built once per execution environment.
const { observability, logger, env, clients } = coldStart({ env: pickEnv(PAYMENT_ENV, 'tableName'), clients: { db: documentClient } });

/** Lambda entry point: the payment API with the shop's observability. */
export const handler = withObservability(createPaymentApi({ payments: new DynamoPaymentRepository(clients.db, env.tableName), logger }), {
  observability,
});
