import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { compositeKey, createItem, ItemAlreadyExistsError, type DocumentClient } from '@shop/dynamodb';
import { ShipmentSchema } from '@shop/shipping-contracts';
import type { ShipmentRepository, WriteContext } from '../domain/ports';
import type { Shipment } from '../domain/shipment';

/** Sort key of shipment items. */
export const SHIPMENT_SORT_KEY = 'SHIPMENT';

/** Primary key of a shipment item (a type alias, so it is assignable to the lib's key records). */
export type ShipmentKey = {
  /** `SHIPMENT#<orderId>`: one shipment per order, enforced by the key itself. */
  readonly pk: string;
  /** Always `SHIPMENT`. */
  readonly sk: string;
};

/** A shipment as stored: the shipment, its key and the correlation id of the flow that created it. */
export type ShipmentItem = Shipment &
  ShipmentKey & {
    /** Correlation id of the OrderConfirmed that created it (stamped on ShipmentCreated by the stream publisher). */
    readonly correlationId: string;
  };

/** The key of the shipment of this order. */
export const shipmentKey = (orderId: string): ShipmentKey => ({ pk: compositeKey('SHIPMENT', orderId), sk: SHIPMENT_SORT_KEY });

/** The item that stores `shipment`. */
export const toShipmentItem = (shipment: Shipment, correlationId: string): ShipmentItem => ({
  ...shipmentKey(shipment.orderId),
  ...shipment,
  correlationId,
});

/** True for a shipment item (the table also holds other item types, e.g. idempotency records). */
export const isShipmentItem = (item: Record<string, unknown>): boolean =>
  item.sk === SHIPMENT_SORT_KEY && typeof item.pk === 'string' && item.pk.startsWith('SHIPMENT#');

/** The shipment of a stored item (or stream image): bookkeeping dropped, the rest validated. */
export const fromShipmentItem = (item: Record<string, unknown>): Shipment => ShipmentSchema.parse(item);

/**
 * The {@link ShipmentRepository} on DynamoDB (single table, see the README for the item layout).
 * `createOnce` is one conditional put (`attribute_not_exists(pk)`) on the order's key: two
 * concurrent deliveries of one OrderConfirmed can never both create a shipment.
 */
export class DynamoShipmentRepository implements ShipmentRepository {
  /**
   * @param docClient a document client (from `createDocumentClient` of `@shop/dynamodb`), built once per module.
   * @param tableName the shipping table.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
  ) {}

  async createOnce(shipment: Shipment, context: WriteContext): Promise<'created' | 'exists'> {
    try {
      await createItem(this.docClient, {
        tableName: this.tableName,
        key: shipmentKey(shipment.orderId),
        item: toShipmentItem(shipment, context.correlationId),
      });
      return 'created';
    } catch (error) {
      if (error instanceof ItemAlreadyExistsError) return 'exists';
      throw error;
    }
  }

  async getByOrderId(orderId: string): Promise<Shipment | undefined> {
    const { Item } = await this.docClient.send(new GetCommand({ TableName: this.tableName, Key: shipmentKey(orderId), ConsistentRead: true }));
    return Item ? fromShipmentItem(Item) : undefined;
  }
}
