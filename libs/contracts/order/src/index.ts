/**
 * @shop/order-contracts: what the order service promises others: the `PlaceOrder` command (basket →
 * order intake queue), the `OrderConfirmed`, `OrderCancelled` and `OrderNeedsAttention` events, order lines, totals,
 * statuses and the saga's execution input (zod schemas with their inferred types). Only order and the
 * services that talk to it depend on this project.
 */
export * from './order';
export * from './place-order';
export * from './order-confirmed';
export * from './order-cancelled';
export * from './order-needs-attention';
export * from './order-saga';
export * from './producer';
