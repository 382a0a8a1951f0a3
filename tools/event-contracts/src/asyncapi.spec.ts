import { resolve } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { ORDER_CONTRACTS, ORDER_CONFIRMED, PLACE_ORDER } from '@shop/order-contracts';
import { PRODUCT_CONTRACTS } from '@shop/product-contracts';
import { asyncApiPath, buildAsyncApi, type AsyncApiDocument } from './asyncapi';
import { toJsonSchema } from './json-schema';
import { PRODUCERS } from './producers';
import { readSubscriptions } from './subscriptions';
import { demoProducer, PING_V1_DATA } from './testing';

const parser = new Parser();
const WORKSPACE = resolve(__dirname, '../../..');

/** The validator's errors (severity 0) and warnings (1) on a document, one line each. */
const problems = async (document: AsyncApiDocument): Promise<string[]> => {
  const { diagnostics } = await parser.parse(JSON.stringify(document));
  return diagnostics
    .filter((diagnostic) => diagnostic.severity <= 1)
    .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
};

/** A field of a JSON document, read with a path of keys. */
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (current, key) => (typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined),
    value,
  );

describe('buildAsyncApi', () => {
  it.each(Object.keys(PRODUCERS))(
    'writes a valid AsyncAPI 3 document for %s (@asyncapi/parser: no error, no warning)',
    async (service) => {
      const producer = PRODUCERS[service];
      if (!producer) throw new Error(service);
      const document = buildAsyncApi(producer);
      expect(await problems(document)).toEqual([]);
      expect(asyncApiPath(service)).toBe(`dist/libs/contracts/${service}/asyncapi.json`);
    },
    30_000,
  );

  it('the validator bites: an operation on a missing channel and a broken payload schema are errors', async () => {
    const document = buildAsyncApi(demoProducer(PING_V1_DATA));
    const broken = {
      ...document,
      operations: { ...(document.operations as object), ghost: { action: 'send', channel: { $ref: '#/channels/nowhere' } } },
      components: { messages: { PingV1: { ...(at(document, 'components', 'messages', 'PingV1') as object), payload: { type: 'strin' } } } },
    };
    const found = await problems(broken);
    expect(found).toEqual(
      expect.arrayContaining([expect.stringMatching(/^operations\.ghost\.channel/), expect.stringMatching(/PingV1\.payload\.type/)]),
    );
  }, 30_000);

  it("order: the topic's events and the intake queue's PlaceOrder, with their payload schemas and attributes", () => {
    const document = buildAsyncApi(ORDER_CONTRACTS, readSubscriptions(WORKSPACE));
    expect(Object.keys(at(document, 'channels', 'orderEvents', 'messages') as object)).toEqual([
      'OrderConfirmedV1',
      'OrderCancelledV1',
      'OrderNeedsAttentionV1',
    ]);
    expect(at(document, 'channels', 'orderEvents', 'x-ssm-parameter')).toBe('/shop/{stage}/order/topic-arn');
    expect(at(document, 'channels', 'orderEvents', 'x-subscriptions')).toEqual([
      {
        consumer: 'basket',
        subscription: 'OrderEvents',
        filterPolicy: { type: ['OrderConfirmed', 'OrderCancelled', 'OrderNeedsAttention'] },
        rawMessageDelivery: true,
      },
      { consumer: 'shipping', subscription: 'OrderConfirmed', filterPolicy: { type: ['OrderConfirmed'] }, rawMessageDelivery: true },
    ]);
    expect(at(document, 'operations', 'publishOrderEvents', 'action')).toBe('send');
    expect(at(document, 'operations', 'receiveOrderIntake', 'action')).toBe('receive');
    expect(at(document, 'operations', 'receiveOrderIntake', 'messages')).toEqual([
      { $ref: '#/channels/orderIntake/messages/PlaceOrderV1' },
    ]);

    const confirmed = at(document, 'components', 'messages', 'OrderConfirmedV1');
    expect(at(confirmed, 'name')).toBe(ORDER_CONFIRMED);
    expect(at(confirmed, 'payload')).toEqual(toJsonSchema(ORDER_CONTRACTS.channels.orderEvents.messages[0].schema));
    expect(at(confirmed, 'headers', 'required')).toEqual(['type', 'correlationId']);
    expect(at(confirmed, 'headers', 'properties', 'type', 'const')).toBe(ORDER_CONFIRMED);
    expect(at(confirmed, 'x-filter-policy')).toEqual({ type: [ORDER_CONFIRMED] });
    expect(at(document, 'components', 'messages', 'OrderCancelledV1', 'headers', 'required')).toEqual(['type', 'correlationId', 'reason']);
    expect(at(document, 'components', 'messages', 'PlaceOrderV1', 'name')).toBe(PLACE_ORDER);
  });

  it('product: ProductChanged with its `change` attribute', () => {
    const document = buildAsyncApi(PRODUCT_CONTRACTS);
    expect(at(document, 'components', 'messages', 'ProductChangedV1', 'headers', 'required')).toEqual(['type', 'correlationId', 'change']);
  });

  it('a message added to a producer declaration is in its document; both versions during a migration', () => {
    const document = buildAsyncApi(demoProducer(PING_V1_DATA, PING_V1_DATA.omit({ note: true })));
    expect(Object.keys(at(document, 'components', 'messages') as object)).toEqual(['PingV1', 'PingV2', 'PongV1']);
    expect(at(document, 'operations', 'publishDemoEvents', 'messages')).toEqual([
      { $ref: '#/channels/demoEvents/messages/PingV1' },
      { $ref: '#/channels/demoEvents/messages/PingV2' },
    ]);
    expect(at(document, 'components', 'messages', 'PingV2', 'payload', 'properties', 'version', 'const')).toBe(2);
  });
});
