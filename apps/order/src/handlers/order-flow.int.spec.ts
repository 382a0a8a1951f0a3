import './testing/lambda-env';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { OrderConfirmedSchema } from '@shop/order-contracts';
import { createDocumentClient } from '@shop/dynamodb';
import { apiGatewayProxyEvent, customerClaims, dynamoDbStreamEvent, fakeLambdaContext, sqsEvent, useTestTable } from '@shop/testing';
import type { DynamoDBRecord } from 'aws-lambda';
import { DynamoOrderRepository, orderKey } from '../adapters/order.repository';
import { systemClock } from '../domain/ports';
import { FakeOrderSaga } from '../domain/testing/fake-order-saga';
import { CORRELATION_ID, OTHER_CUSTOMER_ID, placeOrderCommand } from '../domain/testing/order-fixtures';
import { createCancelOrderTask } from './cancel-order.handler';
import { createConfirmOrderTask } from './confirm-order.handler';
import { orderEventFromStreamRecord } from './order-stream.mapper';
import { createPlaceOrderIntake } from './place-order.handler';
import { createOrderApi } from './router.handler';

// DynamoDB Local's endpoint comes from AWS_ENDPOINT_URL_DYNAMODB (exported by the global setup).
const docClient = createDocumentClient();
const table = useTestTable();

afterAll(() => docClient.destroy());

const quiet = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn(), setCorrelationId: jest.fn() };
const metrics = { addMetric: jest.fn() };

const setup = () => {
  const orders = new DynamoOrderRepository(docClient, table.tableName);
  const saga = new FakeOrderSaga();
  const deps = { orders, clock: systemClock, logger: quiet, metrics };
  return {
    saga,
    intake: createPlaceOrderIntake({ ...deps, saga }),
    confirm: createConfirmOrderTask(deps),
    cancel: createCancelOrderTask(deps),
    api: createOrderApi({ orders, logger: quiet }),
    stored: async (orderId: string) =>
      (await docClient.send(new GetCommand({ TableName: table.tableName, Key: orderKey(orderId), ConsistentRead: true }))).Item as Record<
        string,
        unknown
      >,
  };
};

const orderId = (n: number) => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('the order service on DynamoDB Local', () => {
  it('takes a PlaceOrder delivered twice to one PENDING order and one saga start', async () => {
    const { saga, intake, stored } = setup();
    const id = orderId(1);
    const command = placeOrderCommand({ orderId: id });

    const first = await intake(sqsEvent([{ body: command }]), fakeLambdaContext());
    const second = await intake(sqsEvent([{ body: command }, { body: command }]), fakeLambdaContext());

    expect([first, second]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(saga.executions.size).toBe(1);
    await expect(stored(id)).resolves.toMatchObject({ status: 'PENDING', version: 1, correlationId: CORRELATION_ID });
  });

  it('confirms once through repeated tasks; the stored change maps to exactly one OrderConfirmed', async () => {
    const { intake, confirm, stored } = setup();
    const id = orderId(2);
    await intake(sqsEvent([{ body: placeOrderCommand({ orderId: id }) }]), fakeLambdaContext());
    const before = await stored(id);

    const results = await Promise.all([
      confirm({ orderId: id, correlationId: CORRELATION_ID }),
      confirm({ orderId: id, correlationId: CORRELATION_ID }),
    ]);
    const after = await stored(id);

    expect(results.map((result) => result.status)).toEqual(['CONFIRMED', 'CONFIRMED']);
    expect(results.filter((result) => result.changed)).toHaveLength(1);
    expect(after).toMatchObject({ status: 'CONFIRMED', version: 2 });

    const record = dynamoDbStreamEvent([{ eventName: 'MODIFY', keys: orderKey(id), oldImage: before, newImage: after }])
      .Records[0] as DynamoDBRecord;
    const event = OrderConfirmedSchema.parse(orderEventFromStreamRecord(record));
    expect(event).toMatchObject({ type: 'OrderConfirmed', correlationId: CORRELATION_ID, data: { orderId: id } });
  });

  it("serves the owner's orders with their history, and 404 to anyone else", async () => {
    const { intake, cancel, api } = setup();
    const id = orderId(3);
    await intake(sqsEvent([{ body: placeOrderCommand({ orderId: id }) }]), fakeLambdaContext());
    await cancel({ orderId: id, correlationId: CORRELATION_ID, reason: 'OUT_OF_STOCK' });

    const mine = await api(apiGatewayProxyEvent({ basePath: '/orders', path: `/${id}`, claims: customerClaims() }), fakeLambdaContext());
    const theirs = await api(
      apiGatewayProxyEvent({ basePath: '/orders', path: `/${id}`, claims: customerClaims({ sub: OTHER_CUSTOMER_ID }) }),
      fakeLambdaContext(),
    );

    expect(mine.statusCode).toBe(200);
    expect(JSON.parse(mine.body)).toMatchObject({
      orderId: id,
      status: 'CANCELLED',
      cancellationReason: 'OUT_OF_STOCK',
      statusHistory: [{ status: 'PENDING' }, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' }],
    });
    expect(theirs.statusCode).toBe(404);
  });
});
