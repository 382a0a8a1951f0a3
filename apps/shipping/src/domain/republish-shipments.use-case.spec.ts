import { nameBasedId } from '@shop/domain';
import type { ShipmentCreated } from '@shop/shipping-contracts';
import { RepublishInterruptedError } from './errors';
import type { ShipmentCreatedPublisher, StoredShipment } from './ports';
import { republishShipments, RepublishShipmentsInputSchema, type RepublishShipmentsDeps } from './republish-shipments.use-case';
import { shipmentCreatedFor } from './shipment';
import { InMemoryShipmentHistory, shipmentOf } from './testing/shipping-fixtures';

const ORDERS = [
  '10000000-0000-4000-8000-000000000001',
  '10000000-0000-4000-8000-000000000002',
  '10000000-0000-4000-8000-000000000003',
  '10000000-0000-4000-8000-000000000004',
  '10000000-0000-4000-8000-000000000005',
];
const UNKNOWN = '90000000-0000-4000-8000-000000000009';
const order = (index: number): string => ORDERS[index] ?? '';
const stored: StoredShipment[] = [
  { shipment: shipmentOf(order(0), '2025-03-01T09:00:00.000Z'), correlationId: 'corr-a' },
  { shipment: shipmentOf(order(1), '2025-03-01T10:00:00.000Z'), correlationId: 'corr-b' },
  { shipment: shipmentOf(order(2), '2025-03-01T11:00:00.000Z') },
  { shipment: shipmentOf(order(3), '2025-03-02T08:00:00.000Z'), correlationId: 'corr-d' },
  { shipment: shipmentOf(order(4), '2025-03-03T08:00:00.000Z'), correlationId: 'corr-e' },
];
const shipmentAt = (index: number) => (stored[index] as StoredShipment).shipment;

class RecordingPublisher implements ShipmentCreatedPublisher {
  readonly published: ShipmentCreated[] = [];
  constructor(private readonly failOnOrder?: string) {}
  async publish(event: ShipmentCreated): Promise<void> {
    if (event.data.orderId === this.failOnOrder) throw new Error('SNS is unavailable');
    this.published.push(event);
  }
}

const setup = (options: { publisher?: RecordingPublisher; remainingMs?: number; pageSize?: number } = {}) => {
  const publisher = options.publisher ?? new RecordingPublisher();
  const shipments = new InMemoryShipmentHistory(stored);
  const deps: RepublishShipmentsDeps = {
    shipments,
    publisher,
    remainingTimeMs: () => options.remainingMs ?? 300_000,
    pageSize: options.pageSize ?? 2,
    timeReserveMs: 10_000,
  };
  return { deps, publisher, shipments };
};
const orderIdsOf = (events: readonly ShipmentCreated[]) => events.map((event) => event.data.orderId);
const march1 = { from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T00:00:00.000Z' };

describe('republishShipments', () => {
  it('publishes the very event of the relay for each shipment of the given orders, and names the orders without one', async () => {
    const { deps, publisher } = setup();

    const result = await republishShipments(deps, { orderIds: [order(3), UNKNOWN, order(0), order(3)] });

    expect(result).toEqual({ published: 2, notFound: [UNKNOWN], stoppedBy: 'done' });
    expect(publisher.published).toEqual([shipmentCreatedFor(shipmentAt(3), 'corr-d'), shipmentCreatedFor(shipmentAt(0), 'corr-a')]);
    expect(publisher.published[0]).toMatchObject({
      id: nameBasedId(`ShipmentCreated#${shipmentAt(3).shipmentId}`),
      time: '2025-03-02T08:00:00.000Z',
      correlationId: 'corr-d',
    });
  });

  it('derives the correlation id from the shipment where none was stored, the same on every run', async () => {
    const { deps, publisher } = setup();
    await republishShipments(deps, { orderIds: [order(2)] });
    await republishShipments(deps, { orderIds: [order(2)] });
    expect(publisher.published[0]?.correlationId).toBe(nameBasedId(`correlation#${shipmentAt(2).shipmentId}`));
    expect(publisher.published[1]).toEqual(publisher.published[0]);
  });

  it('publishes every shipment created in a window, oldest first, page by page, and nothing outside it', async () => {
    const { deps, publisher, shipments } = setup();

    const result = await republishShipments(deps, { from: { window: march1 } });

    expect(result).toEqual({ published: 3, stoppedBy: 'done' });
    expect(orderIdsOf(publisher.published)).toEqual(ORDERS.slice(0, 3));
    expect(shipments.limits).toEqual([2, 2]);
  });

  it('stops after maxItems with a cursor that resumes where it stopped', async () => {
    const { deps, publisher } = setup();
    const window = { from: '2025-03-01T00:00:00.000Z', to: '2025-03-04T00:00:00.000Z' };

    const first = await republishShipments(deps, { from: { window }, maxItems: 3 });
    const rest = await republishShipments(deps, { from: { cursor: first.nextCursor ?? '' } });

    expect(first).toEqual({ published: 3, nextCursor: expect.any(String), stoppedBy: 'max-items' });
    expect(rest).toEqual({ published: 2, stoppedBy: 'done' });
    expect(orderIdsOf(publisher.published)).toEqual(ORDERS);
  });

  it('stops before a page when less than the time reserve is left, returning the cursor', async () => {
    const { deps, publisher } = setup({ remainingMs: 5_000 });

    const result = await republishShipments(deps, { from: { window: march1 } });

    expect(result).toEqual({ published: 2, nextCursor: expect.any(String), stoppedBy: 'time' });
    expect(publisher.published).toHaveLength(2);
  });

  it('stops at a failed publish with the payload that resumes at that page (window)', async () => {
    const { deps, publisher } = setup({ publisher: new RecordingPublisher(order(2)) });

    const error = await republishShipments(deps, { from: { window: march1 } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RepublishInterruptedError);
    expect((error as RepublishInterruptedError).published).toBe(2);
    expect((error as RepublishInterruptedError).resume).toEqual({ cursor: expect.stringMatching(/^mem:/) });
    expect((error as Error).message).toMatch(
      /^Republishing ShipmentCreated stopped after 2 events; re-invoke with \{"cursor":"mem:.*"\} to resume\.$/,
    );
    expect(orderIdsOf(publisher.published)).toEqual(ORDERS.slice(0, 2));
  });

  it('names the window itself to resume with when the first page fails', async () => {
    const { deps } = setup({ publisher: new RecordingPublisher(order(0)) });
    const error = (await republishShipments(deps, { from: { window: march1 } }).catch((e: unknown) => e)) as RepublishInterruptedError;
    expect(error.resume).toEqual(march1);
  });

  it('keeps what is left of maxItems in the payload to resume with, so a trial stays a trial', async () => {
    const { deps } = setup({ publisher: new RecordingPublisher(order(2)) });
    const window = { from: '2025-03-01T00:00:00.000Z', to: '2025-03-04T00:00:00.000Z' };

    const fromWindow = (await republishShipments(deps, { from: { window }, maxItems: 4 }).catch(
      (e: unknown) => e,
    )) as RepublishInterruptedError;
    const firstPage = (await republishShipments(setup({ publisher: new RecordingPublisher(order(0)) }).deps, {
      from: { window },
      maxItems: 4,
    }).catch((e: unknown) => e)) as RepublishInterruptedError;

    expect(fromWindow.resume).toEqual({ cursor: expect.stringMatching(/^mem:/), maxItems: 2 });
    expect(firstPage.resume).toEqual({ ...window, maxItems: 4 });
  });

  it('stops at a failed publish with the order ids left to resume with (order ids)', async () => {
    const { deps } = setup({ publisher: new RecordingPublisher(order(2)) });

    const error = (await republishShipments(deps, { orderIds: ORDERS }).catch((e: unknown) => e)) as RepublishInterruptedError;

    expect(error.resume).toEqual({ orderIds: ORDERS.slice(2) });
    expect(error.published).toBe(2);
  });
});

describe('RepublishShipmentsInputSchema', () => {
  const issuesOf = (input: unknown) =>
    RepublishShipmentsInputSchema.safeParse(input).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);

  it('takes order ids, a window (normalized to UTC milliseconds) or a cursor', () => {
    expect(RepublishShipmentsInputSchema.parse({ orderIds: [order(0)] })).toEqual({ orderIds: [order(0)] });
    expect(RepublishShipmentsInputSchema.parse({ from: '2025-03-01T01:00:00+01:00', to: '2025-03-02T00:00:00Z', maxItems: 5 })).toEqual({
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-02T00:00:00.000Z',
      maxItems: 5,
    });
    expect(RepublishShipmentsInputSchema.parse({ cursor: 'abc', correlationId: 'replay-1' })).toEqual({
      cursor: 'abc',
      correlationId: 'replay-1',
    });
  });

  it.each([
    [{}, [['', 'Give exactly one of orderIds, from and to, or cursor.']]],
    [{ orderIds: [order(0)], cursor: 'abc' }, [['', 'Give exactly one of orderIds, from and to, or cursor.']]],
    [{ from: '2025-03-01T00:00:00Z' }, [['to', 'Required with from.']]],
    [{ from: '2025-03-02T00:00:00Z', to: '2025-03-01T00:00:00Z' }, [['to', 'Must be later than from.']]],
    [{ from: '2025-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' }, [['to', 'The window may span at most 31 days.']]],
    [{ orderIds: [order(0)], maxItems: 1 }, [['maxItems', 'maxItems applies to a time window, not to orderIds.']]],
  ])('refuses %j', (input, expected) => {
    expect(issuesOf(input)).toEqual(expected);
  });

  it.each([
    [{ orderIds: [] }, 'orderIds'],
    [{ orderIds: ['not-a-uuid'] }, 'orderIds.0'],
    [{ orderIds: Array(101).fill(order(0)) }, 'orderIds'],
    [{ from: 'yesterday', to: '2025-03-01T00:00:00Z' }, 'from'],
    [{ cursor: '' }, 'cursor'],
    [{ cursor: 'abc', maxItems: 0 }, 'maxItems'],
    [{ cursor: 'abc', correlationId: 'bad id!' }, 'correlationId'],
    [{ cursor: 'abc', window: 'x' }, ''],
  ])('refuses %j naming %s', (input, field) => {
    expect(issuesOf(input)?.map(([path]) => path)).toContain(field);
  });
});
