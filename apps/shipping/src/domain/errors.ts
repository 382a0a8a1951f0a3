import { NotFoundError } from '@shop/domain';

/**
 * The caller has no shipment for this order: none exists yet, or the order is someone else's
 * (the same answer for both, so no one learns which order ids exist).
 */
export class ShipmentNotFoundError extends NotFoundError {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`There is no shipment for order ${orderId}.`, options);
    this.name = 'ShipmentNotFoundError';
  }
}

/**
 * Publishing stopped part-way through an operator's replay of `ShipmentCreated` (SNS refused or
 * timed out). Nothing is lost: re-invoking with {@link resume} publishes that page again, with the
 * same event ids, and goes on.
 */
export class RepublishInterruptedError extends Error {
  constructor(
    /** The payload to re-invoke with. */
    readonly resume: Readonly<Record<string, unknown>>,
    /** Events this invocation published before the failing page. */
    readonly published: number,
    options?: ErrorOptions,
  ) {
    super(`Republishing ShipmentCreated stopped after ${published} events; re-invoke with ${JSON.stringify(resume)} to resume.`, options);
    this.name = 'RepublishInterruptedError';
  }
}
