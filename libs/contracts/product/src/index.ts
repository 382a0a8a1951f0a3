/**
 * @shop/product-contracts: what the product service promises others: the product type and the
 * `ProductChanged` event (zod schemas with their inferred types). Only the product service and the
 * consumers of its events depend on this project, so changing it affects exactly them.
 */
export * from './product';
export * from './product-changed';
export * from './producer';
