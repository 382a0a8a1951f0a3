import './testing/lambda-env';
import { apiGatewayProxyEvent, customerClaims, fakeLambdaContext, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createShipmentForOrder } from '../domain/create-shipment.use-case';
import {
  confirmedOrder,
  CUSTOMER,
  fixedClock,
  InMemoryShipmentRepository,
  ORDER_ID,
  OTHER_CUSTOMER,
} from '../domain/testing/shipping-fixtures';
import { createShippingApi, handler } from './router.handler';

const setup = async () => {
  const shipments = new InMemoryShipmentRepository();
  const { shipment } = await createShipmentForOrder({ shipments, clock: fixedClock() }, confirmedOrder().data, { correlationId: 'c' });
  const api = createShippingApi({ shipments, logger: { debug: jest.fn(), error: jest.fn() } });
  const call = (request: ApiRequest) => api(apiGatewayProxyEvent({ basePath: '/shipments', ...request }), fakeLambdaContext());
  return { shipment, call };
};

const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, unknown>;

describe('shipping API: GET /{orderId}', () => {
  it('returns the shipment to the customer who placed the order', async () => {
    const { call, shipment } = await setup();

    const result = await call({ path: `/${ORDER_ID}`, claims: customerClaims({ sub: CUSTOMER }) });

    expect(result.statusCode).toBe(200);
    expect(json(result)).toEqual(shipment);
  });

  it('answers 404 to another customer, as for an order without a shipment', async () => {
    const { call } = await setup();

    const foreign = await call({ path: `/${ORDER_ID}`, claims: customerClaims({ sub: OTHER_CUSTOMER }) });
    const missing = await call({ path: '/0b6d8a3e-2c4f-4e5a-9b1c-7d8e9f0a1b2c', claims: customerClaims({ sub: CUSTOMER }) });

    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(json(foreign).detail).toBe(`There is no shipment for order ${ORDER_ID}.`);
    expect(foreign.headers?.['Content-Type'] ?? foreign.headers?.['content-type']).toMatch(/problem\+json/);
  });

  it('answers 401 without a signed-in caller', async () => {
    const { call } = await setup();
    expect((await call({ path: `/${ORDER_ID}` })).statusCode).toBe(401);
  });

  it('answers 400 naming orderId for an id that is not a UUID', async () => {
    const { call } = await setup();

    const result = await call({ path: '/not-an-order', claims: customerClaims() });

    expect(result.statusCode).toBe(400);
    expect((json(result).errors as { field: string }[]).map((issue) => issue.field)).toEqual(['orderId']);
  });

  it('works on the raw execute-api URL too (no base path mapping)', async () => {
    const { call } = await setup();
    const result = await call({ path: `/${ORDER_ID}`, basePath: undefined, claims: customerClaims({ sub: CUSTOMER }) });
    expect(result.statusCode).toBe(200);
  });

  it('exports a wrapped Lambda handler', () => {
    expect(typeof handler).toBe('function');
  });
});
