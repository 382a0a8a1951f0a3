import { createOrderConfirmed, type OrderConfirmed, type OrderConfirmedData } from '@shop/order-contracts';
import type {
  Clock,
  CreationWindow,
  ShipmentHistory,
  ShipmentRepository,
  StoredShipment,
  StoredShipmentPage,
  WriteContext,
} from '../ports';
import { shipmentForOrder, type Shipment } from '../shipment';

/** Test support (not bundled): fixtures and an in-memory repository with the real one's semantics. */

export const ORDER_ID = '7d1f3c2a-5b4e-4f6a-8c9d-0e1f2a3b4c5d';
export const CUSTOMER = '22222222-2222-4222-8222-222222222222';
export const OTHER_CUSTOMER = '33333333-3333-4333-8333-333333333333';
export const NOW = '2025-03-01T10:00:00.000Z';

/** A confirmed order of two lines. */
export const confirmedOrder = (overrides: Partial<OrderConfirmedData> = {}): OrderConfirmed =>
  createOrderConfirmed({
    orderId: ORDER_ID,
    customerId: CUSTOMER,
    lines: [
      { sku: 'MUG-001', name: 'Mug', quantity: 2, unitPrice: { amount: 1299, currency: 'EUR' } },
      { sku: 'TEA-001', name: 'Tea', quantity: 1, unitPrice: { amount: 450, currency: 'EUR' } },
    ],
    total: { amount: 3048, currency: 'EUR' },
    shippingAddress: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
    correlationId: 'corr-checkout-1',
    time: '2025-03-01T09:59:00.000Z',
    ...overrides,
  });

/** A clock stopped at `iso`. */
export const fixedClock = (iso: string = NOW): Clock => ({ now: () => new Date(iso) });

/** An in-memory {@link ShipmentRepository}: one shipment per order, like the conditional put. */
export class InMemoryShipmentRepository implements ShipmentRepository {
  readonly items = new Map<string, { shipment: Shipment; correlationId: string }>();

  async createOnce(shipment: Shipment, context: WriteContext): Promise<'created' | 'exists'> {
    if (this.items.has(shipment.orderId)) return 'exists';
    this.items.set(shipment.orderId, { shipment, correlationId: context.correlationId });
    return 'created';
  }

  async getByOrderId(orderId: string): Promise<Shipment | undefined> {
    return this.items.get(orderId)?.shipment;
  }
}

/** The shipment of a confirmed order with this id, created at `createdAt`. */
export const shipmentOf = (orderId: string, createdAt: string): Shipment =>
  shipmentForOrder(confirmedOrder({ orderId }).data, new Date(createdAt));

/**
 * An in-memory {@link ShipmentHistory} over stored shipments: the DynamoDB adapter's contract
 * (order asked, missing orders left out, a window oldest first and half-open, resumable from the
 * cursor it gave) without a database. Its cursors are `mem:<from>|<to>|<offset>`. Test code only.
 */
export class InMemoryShipmentHistory implements ShipmentHistory {
  /** The `limit` of each `listCreated` call. */
  readonly limits: number[] = [];

  constructor(readonly stored: readonly StoredShipment[]) {}

  async getStored(orderIds: readonly string[]): Promise<StoredShipment[]> {
    return orderIds.flatMap((orderId) => this.stored.filter((entry) => entry.shipment.orderId === orderId));
  }

  async listCreated(
    request: { readonly window: CreationWindow } | { readonly cursor: string },
    limit: number,
  ): Promise<StoredShipmentPage> {
    this.limits.push(limit);
    const [from, to, offset] = 'cursor' in request ? this.decode(request.cursor) : [request.window.from, request.window.to, 0];
    const inWindow = [...this.stored]
      .filter(({ shipment }) => shipment.createdAt >= from && shipment.createdAt < to)
      .sort((a, b) => a.shipment.createdAt.localeCompare(b.shipment.createdAt));
    const items = inWindow.slice(offset, offset + limit);
    const next = offset + items.length;
    return next < inWindow.length ? { items, nextCursor: `mem:${from}|${to}|${next}` } : { items };
  }

  private decode(cursor: string): [string, string, number] {
    const [from = '', to = '', offset = ''] = cursor.replace(/^mem:/, '').split('|');
    return [from, to, Number(offset)];
  }
}
