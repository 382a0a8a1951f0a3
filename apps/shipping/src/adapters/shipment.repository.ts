import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CorrelationIdSchema, InvalidCursorError } from '@shop/domain';
import { compositeKey, createItem, InvalidPageCursorError, ItemAlreadyExistsError, queryPage, type DocumentClient } from '@shop/dynamodb';
import { ShipmentSchema } from '@shop/shipping-contracts';
import * as z from 'zod/mini';
import type {
  CreationWindow,
  ShipmentHistory,
  ShipmentRepository,
  StoredShipment,
  StoredShipmentPage,
  WriteContext,
} from '../domain/ports';
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

/** Name of the table's creation-time index (`gsi1` of `ServiceTable`). */
export const CREATED_INDEX = 'gsi1';

/**
 * The creation-time index key of a shipment: partition `SHIPMENTS#<UTC day>` (one partition per
 * day, so writes spread over days instead of one hot key), sort `<createdAt>#<orderId>` (oldest
 * first, unique).
 */
export type CreatedIndexKey = {
  readonly gsi1pk: string;
  readonly gsi1sk: string;
};

/** A shipment as stored: the shipment, its keys and the correlation id of the flow that created it. */
export type ShipmentItem = Shipment &
  ShipmentKey &
  CreatedIndexKey & {
    /** Correlation id of the OrderConfirmed that created it (stamped on ShipmentCreated by the stream publisher). */
    readonly correlationId: string;
  };

/** The key of the shipment of this order. */
export const shipmentKey = (orderId: string): ShipmentKey => ({ pk: compositeKey('SHIPMENT', orderId), sk: SHIPMENT_SORT_KEY });

/** The creation-time index partition of one UTC day (`YYYY-MM-DD`). */
export const createdIndexPartition = (day: string): string => compositeKey('SHIPMENTS', day);

/** The creation-time index key of `shipment`. */
export const createdIndexKey = (shipment: Pick<Shipment, 'orderId' | 'createdAt'>): CreatedIndexKey => ({
  gsi1pk: createdIndexPartition(shipment.createdAt.slice(0, 10)),
  gsi1sk: compositeKey(shipment.createdAt, shipment.orderId),
});

/** The item that stores `shipment`. */
export const toShipmentItem = (shipment: Shipment, correlationId: string): ShipmentItem => ({
  ...shipmentKey(shipment.orderId),
  ...createdIndexKey(shipment),
  ...shipment,
  correlationId,
});

/** The correlation id stored on an item, if it is a valid one. */
export const correlationIdOfItem = (item: Record<string, unknown>): string | undefined => {
  const parsed = CorrelationIdSchema.safeParse(item.correlationId);
  return parsed.success ? parsed.data : undefined;
};

/** True for a shipment item (the table also holds other item types, e.g. idempotency records). */
export const isShipmentItem = (item: Record<string, unknown>): boolean =>
  item.sk === SHIPMENT_SORT_KEY && typeof item.pk === 'string' && item.pk.startsWith('SHIPMENT#');

/** The shipment of a stored item (or stream image): bookkeeping dropped, the rest validated. */
export const fromShipmentItem = (item: Record<string, unknown>): Shipment => ShipmentSchema.parse(item);

/** The shipment of a stored item with the correlation id its `ShipmentCreated` carries. */
export const storedShipmentOf = (item: Record<string, unknown>): StoredShipment => {
  const correlationId = correlationIdOfItem(item);
  return { shipment: fromShipmentItem(item), ...(correlationId !== undefined && { correlationId }) };
};

const DAY_MS = 24 * 60 * 60 * 1000;
const dayOf = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

// A window replay's cursor: its window, the day being read, and where in that day (the index
// query's own cursor), so a resumed invocation needs nothing but the cursor.
const WindowCursorSchema = z.strictObject({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  day: z.iso.date(),
  key: z.optional(z.string().check(z.minLength(1))),
});
type WindowCursor = z.infer<typeof WindowCursorSchema>;

const encodeWindowCursor = (cursor: WindowCursor): string => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

const decodeWindowCursor = (cursor: string): WindowCursor => {
  let parsed: WindowCursor;
  try {
    parsed = WindowCursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (error) {
    throw new InvalidCursorError('cursor', { cause: error });
  }
  const from = Date.parse(parsed.from);
  const to = Date.parse(parsed.to);
  if (!(from < to) || parsed.day < dayOf(from) || parsed.day > dayOf(to - 1)) throw new InvalidCursorError('cursor');
  return parsed;
};

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
    const { Item } = await this.docClient.send(
      new GetCommand({ TableName: this.tableName, Key: shipmentKey(orderId), ConsistentRead: true }),
    );
    return Item ? fromShipmentItem(Item) : undefined;
  }
}

/**
 * The {@link ShipmentHistory} on DynamoDB: a GetItem per order (concurrently), and for a window one
 * Query per UTC day of the creation-time index ({@link CREATED_INDEX}), day after day, `gsi1sk
 * BETWEEN from AND to` (a shipment created exactly at `to` sorts after `to` and is left out, one
 * created at `from` after `from` and is kept). Never a Scan. Shipments stored before the index
 * existed have no index key: replay them by order id.
 */
export class DynamoShipmentHistory implements ShipmentHistory {
  /**
   * @param docClient a document client (from `createDocumentClient` of `@shop/dynamodb`), built once per module.
   * @param tableName the shipping table.
   */
  constructor(
    private readonly docClient: DocumentClient,
    private readonly tableName: string,
  ) {}

  async getStored(orderIds: readonly string[]): Promise<StoredShipment[]> {
    const items = await Promise.all(
      orderIds.map(
        async (orderId) => (await this.docClient.send(new GetCommand({ TableName: this.tableName, Key: shipmentKey(orderId) }))).Item,
      ),
    );
    return items.flatMap((item) => (item ? [storedShipmentOf(item)] : []));
  }

  async listCreated(
    request: { readonly window: CreationWindow } | { readonly cursor: string },
    limit: number,
  ): Promise<StoredShipmentPage> {
    const start: WindowCursor =
      'cursor' in request ? decodeWindowCursor(request.cursor) : { ...request.window, day: dayOf(Date.parse(request.window.from)) };
    const { from, to } = start;
    const lastDay = dayOf(Date.parse(to) - 1);
    const items: StoredShipment[] = [];
    let day = start.day;
    let key = start.key;
    for (;;) {
      const partition = createdIndexPartition(day);
      let page;
      try {
        page = await queryPage<Record<string, unknown>>(this.docClient, {
          query: {
            TableName: this.tableName,
            IndexName: CREATED_INDEX,
            KeyConditionExpression: '#partition = :partition AND #sort BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#partition': 'gsi1pk', '#sort': 'gsi1sk' },
            ExpressionAttributeValues: { ':partition': partition, ':from': from, ':to': to },
          },
          limit: limit - items.length,
          cursor: key,
          cursorShape: { attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], fixed: { gsi1pk: partition } },
        });
      } catch (error) {
        if (error instanceof InvalidPageCursorError) throw new InvalidCursorError('cursor', { cause: error });
        throw error;
      }
      // Only shipment items: whatever else the table may index there is not a shipment to republish.
      items.push(...page.items.filter(isShipmentItem).map(storedShipmentOf));
      if (page.nextCursor !== undefined) return { items, nextCursor: encodeWindowCursor({ from, to, day, key: page.nextCursor }) };
      if (day === lastDay) return { items };
      day = dayOf(Date.parse(day) + DAY_MS);
      key = undefined;
      if (items.length >= limit) return { items, nextCursor: encodeWindowCursor({ from, to, day }) };
    }
  }
}
