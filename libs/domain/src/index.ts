/**
 * @shop/domain: shared domain vocabulary of the shop: errors, money, ids, and
 * the event contracts (zod schemas with their inferred types). Plain TypeScript, no AWS.
 */
export * from './errors';
export * from './validation';
export * from './money';
export * from './ids';
export * from './envelope';
export * from './replay';
export type * from './producer-contracts';
