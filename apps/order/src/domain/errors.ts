import { ConflictError, NotFoundError } from '@shop/domain';
import type { OrderStatus } from '@shop/order-contracts';

/** No order has this id (or, for a customer, none of theirs: another customer's order is not found either). */
export class OrderNotFoundError extends NotFoundError {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`Order ${orderId} does not exist.`, options);
    this.name = 'OrderNotFoundError';
  }
}

/** An order with this id is already stored (create is conditional on its absence). */
export class OrderAlreadyExistsError extends ConflictError {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`Order ${orderId} already exists.`, options);
    this.name = 'OrderAlreadyExistsError';
  }
}

/** The order's status machine forbids this move (e.g. confirming a cancelled order). */
export class InvalidOrderTransitionError extends ConflictError {
  constructor(
    readonly orderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
    options?: ErrorOptions,
  ) {
    super(`Order ${orderId} cannot go from ${from} to ${to}.`, options);
    this.name = 'InvalidOrderTransitionError';
  }
}

/**
 * A `PlaceOrder` names an order id that is already taken by another customer's order. Never
 * retried into success: the message ends in the intake dead-letter queue for an operator.
 */
export class OrderIdTakenError extends ConflictError {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`Order id ${orderId} belongs to another customer's order.`, options);
    this.name = 'OrderIdTakenError';
  }
}

/**
 * An event replay (`republish-events`) could not publish an event. What was published before is
 * kept (consumers deduplicate a second copy); the message says how to resume.
 */
export class RepublishInterruptedError extends Error {
  constructor(
    /** The cursor to re-invoke with (`undefined`: the same payload as this invocation). */
    readonly resumeCursor: string | undefined,
    /** Events this invocation published before the failing page. */
    readonly published: number,
    options?: ErrorOptions,
  ) {
    const resume = resumeCursor === undefined ? 'the same payload' : `the same payload with "cursor": ${JSON.stringify(resumeCursor)}`;
    super(`Republishing order events stopped after ${published} events; re-invoke with ${resume} to resume.`, options);
    this.name = 'RepublishInterruptedError';
  }
}
