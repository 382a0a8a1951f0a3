/**
 * @shop/clients: typed HTTP clients of the shop's services (openapi-fetch over the types
 * openapi-typescript generated from each service's OpenAPI document, `src/generated/`), and the
 * contract checks that hold every answer to its document. For tests, journeys and tools: Lambda
 * code never imports it (tagged type:testing).
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { ContractChecker, type ContractDocument } from './contract';
import type * as basket from './generated/basket';
import basketDocument from './generated/basket.openapi.json';
import type * as inventory from './generated/inventory';
import inventoryDocument from './generated/inventory.openapi.json';
import type * as order from './generated/order';
import orderDocument from './generated/order.openapi.json';
import type * as payment from './generated/payment';
import paymentDocument from './generated/payment.openapi.json';
import type * as product from './generated/product';
import productDocument from './generated/product.openapi.json';
import type * as shipping from './generated/shipping';
import shippingDocument from './generated/shipping.openapi.json';
import type { ApiService } from './services';

export { ContractChecker, ContractViolation, type ContractDocument, type ObservedResponse } from './contract';
export { API_SERVICES, type ApiService } from './services';

/** The answers' bodies, as each service's document names them. */
export type Product = product.components['schemas']['Product'];
export type ProductPage = product.components['schemas']['ProductPage'];
export type BasketView = basket.components['schemas']['BasketView'];
export type CheckoutAccepted = basket.components['schemas']['CheckoutAccepted'];
export type OrderView = order.components['schemas']['OrderView'];
export type OrderPage = order.components['schemas']['OrderPage'];
export type StockLevel = inventory.components['schemas']['StockLevel'];
export type StockAdjustmentResult = inventory.components['schemas']['StockAdjustmentResult'];
export type Payment = payment.components['schemas']['Payment'];
export type Shipment = shipping.components['schemas']['Shipment'];
/** Every error answer of a service's own (`application/problem+json`). */
export type ProblemDetails = product.components['schemas']['ProblemDetails'];

/** The `paths` of each service's document: `Client<ShopPaths['order']>`. */
export interface ShopPaths {
  product: product.paths;
  basket: basket.paths;
  order: order.paths;
  inventory: inventory.paths;
  payment: payment.paths;
  shipping: shipping.paths;
}

/** One typed client per service. */
export type ShopClients = { readonly [S in ApiService]: Client<ShopPaths[S]> };

/** The services' OpenAPI documents, as committed in `src/generated/` (equal to `dist/apps/<service>/openapi.json`). */
export const SHOP_DOCUMENTS: Readonly<Record<ApiService, ContractDocument>> = {
  product: productDocument as unknown as ContractDocument,
  basket: basketDocument as unknown as ContractDocument,
  order: orderDocument as unknown as ContractDocument,
  inventory: inventoryDocument as unknown as ContractDocument,
  payment: paymentDocument as unknown as ContractDocument,
  shipping: shippingDocument as unknown as ContractDocument,
};

/** A contract checker of every service's document. */
export const shopContract = (): ContractChecker => new ContractChecker(SHOP_DOCUMENTS);

/**
 * openapi-fetch middleware that checks every answer against the documents (it reads a clone of
 * the body) and throws a `ContractViolation` naming route, status and what is wrong.
 */
export const contractMiddleware = (checker: ContractChecker = shopContract()): Middleware => ({
  async onResponse({ request, response }) {
    checker.check({
      method: request.method,
      path: new URL(request.url).pathname,
      status: response.status,
      headers: response.headers,
      body: await response.clone().text(),
    });
    return undefined;
  },
});

/** Options of {@link createShopClients}. */
export interface ShopClientsOptions {
  /** The shop's API domain, e.g. `http://127.0.0.1:3000` (the documents' paths start with each service's base path). */
  readonly baseUrl: string;
  /** Middleware for every client (a token, the contract checks...). */
  readonly middleware?: readonly Middleware[];
  /** Headers of every request. */
  readonly headers?: Record<string, string>;
}

/** One typed client per service, on the shop's API domain (`clients.order.GET('/orders/{orderId}', ...)`). */
export const createShopClients = ({ baseUrl, middleware = [], headers }: ShopClientsOptions): ShopClients => {
  const clientOf = <P extends object>(): Client<P> => {
    const client = createClient<P>({ baseUrl: baseUrl.replace(/\/$/, ''), headers });
    client.use(...middleware);
    return client;
  };
  return {
    product: clientOf<product.paths>(),
    basket: clientOf<basket.paths>(),
    order: clientOf<order.paths>(),
    inventory: clientOf<inventory.paths>(),
    payment: clientOf<payment.paths>(),
    shipping: clientOf<shipping.paths>(),
  };
};
