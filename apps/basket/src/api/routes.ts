import { IdempotencyKeySchema, MoneySchema, SkuSchema } from '@shop/domain';
import { defineApi } from '@shop/http/api';
import { LineQuantitySchema, OrderIdSchema } from '@shop/order-contracts';
import * as z from 'zod/mini';
import { BasketSkuSchema, CheckoutInputSchema, SetQuantityInputSchema } from '../domain/basket';

/** The basket as the customer sees it (the domain's `BasketView`): current prices, the total, what cannot be bought now. */
export const BasketViewSchema = z.object({
  lines: z.array(
    z.object({ sku: SkuSchema, name: z.string(), quantity: LineQuantitySchema, unitPrice: MoneySchema, lineTotal: MoneySchema }),
  ),
  total: MoneySchema,
  unavailable: z.array(z.object({ sku: SkuSchema, quantity: LineQuantitySchema, reason: z.enum(['not_for_sale', 'currency']) })),
  pendingOrderId: z.optional(OrderIdSchema),
});

/** The answer of an accepted checkout: the order placed (it goes on asynchronously). */
export const CheckoutAcceptedSchema = z.object({ orderId: OrderIdSchema });

/**
 * The signed-in customer's basket API (`/basket` on the API domain): its routes, bodies and
 * answers, the one source of the router (handlers/router.handler.ts) and of `dist/apps/basket/openapi.json`.
 */
export const api = defineApi({
  info: {
    service: 'basket',
    title: 'Basket API',
    version: '1.0.0',
    description:
      "The caller's basket (the customer is always the token's `sub`) and its checkout, which answers 202 and places the order asynchronously.",
    basePath: '/basket',
  },
  schemas: {
    BasketView: BasketViewSchema,
    SetQuantityInput: SetQuantityInputSchema,
    CheckoutInput: CheckoutInputSchema,
    CheckoutAccepted: CheckoutAcceptedSchema,
  },
  routes: {
    getBasket: {
      method: 'GET',
      path: '/',
      summary: "The caller's basket at current prices",
      auth: 'customer',
      responses: { 200: { description: 'The basket', body: 'BasketView' } },
    },
    setItemQuantity: {
      method: 'PUT',
      path: '/items/{sku}',
      summary: 'Set the quantity of a line (0 removes it)',
      description: '422 when the sku is not for sale (unknown or deleted), priced in another currency, or one line too many.',
      auth: 'customer',
      params: { sku: BasketSkuSchema },
      body: 'SetQuantityInput',
      responses: { 200: { description: 'The basket', body: 'BasketView' } },
      problems: [409, 422],
    },
    removeItem: {
      method: 'DELETE',
      path: '/items/{sku}',
      summary: 'Remove a line',
      auth: 'customer',
      params: { sku: BasketSkuSchema },
      responses: { 200: { description: 'The basket', body: 'BasketView' } },
      problems: [409],
    },
    checkout: {
      method: 'POST',
      path: '/checkout',
      summary: 'Check the basket out',
      description:
        'Places the order and answers 202 at once; the order service confirms or cancels it. The same `Idempotency-Key` again answers with the same order (`Idempotent-Replayed: true`); 409 (`urn:shop:problem:order-pending`, with `orderId`) while another order from the basket is in flight; 422 for an empty basket, unavailable lines or a key reused for another body.',
      auth: 'customer',
      headers: {
        'Idempotency-Key': {
          description: 'A key of the client (a UUID, say): the same key is the same checkout.',
          required: true,
          schema: IdempotencyKeySchema,
        },
      },
      body: 'CheckoutInput',
      responses: {
        202: {
          description: 'The order is placed (or was, by the first request with this key)',
          body: 'CheckoutAccepted',
          optionalHeaders: ['Idempotent-Replayed'],
        },
      },
      problems: [409, 422],
    },
  },
});
