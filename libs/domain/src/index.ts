/**
 * @shop/domain: shared domain vocabulary of the shop: errors, money, ids, the product types and
 * the event contracts (zod schemas with their inferred types). Plain TypeScript, no AWS.
 */
export * from './errors';
export * from './validation';
export * from './money';
export * from './ids';
export * from './product';
export * from './envelope';
export * from './events/product-changed';
