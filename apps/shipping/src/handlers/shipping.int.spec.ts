import './testing/lambda-env';
import { createDocumentClient } from '@shop/dynamodb';
import { apiGatewayProxyEvent, customerClaims, fakeLambdaContext, sqsEvent, sqsEventFromSns, useTestTable } from '@shop/testing';
import { DynamoShipmentRepository } from '../adapters/shipment.repository';
import { systemClock } from '../domain/ports';
import { confirmedOrder, CUSTOMER, ORDER_ID, OTHER_CUSTOMER } from '../domain/testing/shipping-fixtures';
import { createOrderConfirmedConsumer } from './on-order-confirmed.handler';
import { createShippingApi } from './router.handler';

describe('shipping on DynamoDB Local: OrderConfirmed in, shipment out', () => {
  const table = useTestTable(undefined, { prefix: 'shipping' });
  const shipments = () => new DynamoShipmentRepository(createDocumentClient({ client: table.client }), table.tableName);
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn(), setCorrelationId: jest.fn() };

  it('creates one shipment for an order confirmed three times, visible to its owner only', async () => {
    const consume = createOrderConfirmedConsumer({ shipments: shipments(), clock: systemClock, logger, metrics: { addMetric: jest.fn() } });
    const event = confirmedOrder();

    const responses = await Promise.all([
      consume(sqsEventFromSns([event]), fakeLambdaContext()),
      consume(sqsEvent([{ body: event }]), fakeLambdaContext()),
      consume(sqsEvent([{ body: { ...event, id: '5a0c7c1e-8d4b-4a38-9d5e-2f6a7b8c9d0e' } }]), fakeLambdaContext()),
    ]);

    expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }, { batchItemFailures: [] }]);
    const api = createShippingApi({ shipments: shipments(), logger });
    const own = await api(
      apiGatewayProxyEvent({ basePath: '/shipments', path: `/${ORDER_ID}`, claims: customerClaims({ sub: CUSTOMER }) }),
      fakeLambdaContext(),
    );
    const foreign = await api(
      apiGatewayProxyEvent({ basePath: '/shipments', path: `/${ORDER_ID}`, claims: customerClaims({ sub: OTHER_CUSTOMER }) }),
      fakeLambdaContext(),
    );
    expect(own.statusCode).toBe(200);
    expect(JSON.parse(own.body)).toEqual(expect.objectContaining({ orderId: ORDER_ID, customerId: CUSTOMER, status: 'CREATED' }));
    expect(foreign.statusCode).toBe(404);
  });
});
