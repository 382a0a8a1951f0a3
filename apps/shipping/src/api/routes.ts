import { defineApi } from '@shop/http/api';
import { OrderIdSchema } from '@shop/order-contracts';
import { ShipmentSchema } from '@shop/shipping-contracts';

/**
 * The shipping API for signed-in customers (`/shipments` on the API domain): the one source of the
 * router (handlers/router.handler.ts) and of `dist/apps/shipping/openapi.json`.
 */
export const api = defineApi({
  info: {
    service: 'shipping',
    title: 'Shipping API',
    version: '1.0.0',
    description: "The shipment of one of the caller's confirmed orders.",
    basePath: '/shipments',
  },
  schemas: { Shipment: ShipmentSchema },
  routes: {
    getShipment: {
      method: 'GET',
      path: '/{orderId}',
      summary: "The shipment of one of the caller's orders",
      description: "404 when the order has no shipment or is someone else's (indistinguishable on purpose).",
      auth: 'customer',
      params: { orderId: OrderIdSchema },
      responses: { 200: { description: 'The shipment', body: 'Shipment' } },
      problems: [404],
    },
  },
});
