import { defineApi } from '@shop/http/api';
import * as z from 'zod/mini';
import { PaymentSchema } from '../domain/payment';

/** The order id of `GET /{orderId}`. */
export const OrderIdParamSchema = z.uuid({ error: 'The order id must be a UUID.' });

/**
 * The payment API for administrators (`/payments` on the API domain): the one source of the
 * router (handlers/router.handler.ts) and of `dist/apps/payment/openapi.json`.
 */
export const api = defineApi({
  info: {
    service: 'payment',
    title: 'Payment API',
    version: '1.0.0',
    description: 'The payment of an order, for administrators: its status, amount, attempts and the provider ids.',
    basePath: '/payments',
  },
  schemas: { Payment: PaymentSchema },
  routes: {
    getPayment: {
      method: 'GET',
      path: '/{orderId}',
      summary: "An order's payment",
      auth: 'admin',
      params: { orderId: OrderIdParamSchema },
      responses: { 200: { description: 'The payment', body: 'Payment' } },
      problems: [404],
    },
  },
});
