import type { ShipmentCreated } from '@shop/shipping-contracts';
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

/** A shipment as stored, with what its `ShipmentCreated` carries besides the shipment. */
export interface StoredShipment {
  readonly shipment: Shipment;
  /** Correlation id of the flow (checkout) that created it; absent on an item stored without a valid one. */
  readonly correlationId?: string;
}

/** Creation times from `from` (included) to `to` (excluded), ISO 8601 in UTC (`toISOString()`). */
export interface CreationWindow {
  readonly from: string;
  readonly to: string;
}

/** One page of {@link ShipmentHistory.listCreated}; `nextCursor` is absent once the window is read to its end. */
export interface StoredShipmentPage {
  readonly items: readonly StoredShipment[];
  readonly nextCursor?: string;
}

/**
 * The shipments an operator's replay reads, implemented by `adapters/shipment.repository.ts`
 * (GetItem by order, Query of the creation-time index: never a Scan).
 */
export interface ShipmentHistory {
  /** The stored shipments of these orders, in the order asked; orders without one are left out. */
  getStored(orderIds: readonly string[]): Promise<StoredShipment[]>;

  /**
   * Up to `limit` shipments created in a window, oldest first, from the start of `window` or from
   * a `nextCursor` of an earlier page (which carries its window).
   * @throws InvalidCursorError (from `@shop/domain`) when the cursor was not issued by this method.
   */
  listCreated(request: { readonly window: CreationWindow } | { readonly cursor: string }, limit: number): Promise<StoredShipmentPage>;
}

/**
 * Where `ShipmentCreated` goes (the shipping topic), implemented by `adapters/shipment-created.publisher.ts`.
 * Throws when the event could not be published.
 */
export interface ShipmentCreatedPublisher {
  publish(event: ShipmentCreated): Promise<void>;
}

/** The time source, injected so tests control it. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
