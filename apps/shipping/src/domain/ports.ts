import type { Shipment } from './shipment';

/** Who caused a write: stored on the item so the ShipmentCreated event carries the same correlation id. */
export interface WriteContext {
  /** Correlation id of the flow (the checkout's), taken from the OrderConfirmed envelope. */
  readonly correlationId: string;
}

/**
 * Shipment persistence, implemented by `adapters/shipment.repository.ts` (DynamoDB).
 * Use cases ask only for the methods they use (`Pick<ShipmentRepository, 'getByOrderId'>`).
 */
export interface ShipmentRepository {
  /**
   * Stores the shipment only if its order has none yet (one conditional put keyed by order id).
   * @returns `created` when stored now, `exists` when the order already had a shipment (nothing written).
   */
  createOnce(shipment: Shipment, context: WriteContext): Promise<'created' | 'exists'>;

  /** The shipment of this order, or `undefined`. */
  getByOrderId(orderId: string): Promise<Shipment | undefined>;
}

/** The time source, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
