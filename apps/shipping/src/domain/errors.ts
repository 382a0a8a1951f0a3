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
