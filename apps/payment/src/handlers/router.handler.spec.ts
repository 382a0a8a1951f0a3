import './testing/lambda-env';
import { adminClaims, apiGatewayProxyEvent, customerClaims, fakeLambdaContext, type ApiRequest } from '@shop/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { InMemoryPaymentRepository } from '../domain/testing/in-memory-payments';
import { capturedPayment, ORDER_1, ORDER_2 } from '../domain/testing/payment-fixtures';
import { createPaymentApi, handler } from './router.handler';

const setup = () => {
  const payments = new InMemoryPaymentRepository([capturedPayment()]);
  const logger = { debug: jest.fn(), error: jest.fn() };
  const api = createPaymentApi({ payments, logger });
  const call = (request: ApiRequest) => api(apiGatewayProxyEvent({ basePath: '/payments', ...request }), fakeLambdaContext());
  return { payments, logger, call };
};

const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, unknown>;

describe('payment API', () => {
  it('GET /{orderId} returns the payment with its status, amount and attempts', async () => {
    const { call } = setup();

    const result = await call({ path: `/${ORDER_1}`, claims: adminClaims() });

    expect(result.statusCode).toBe(200);
    expect(json(result)).toEqual(capturedPayment());
    expect(json(result)).toMatchObject({ status: 'CAPTURED', amount: { amount: 2598, currency: 'EUR' }, attempts: 1 });
  });

  it('answers 404 for an order without payment', async () => {
    const { call } = setup();
    const result = await call({ path: `/${ORDER_2}`, claims: adminClaims() });
    expect(result.statusCode).toBe(404);
    expect(json(result)).toMatchObject({ detail: `No payment exists for order ${ORDER_2}.`, instance: `/payments/${ORDER_2}` });
  });

  it('answers 400 naming orderId when it is not a UUID', async () => {
    const { call } = setup();
    const result = await call({ path: '/order-1', claims: adminClaims() });
    expect(result.statusCode).toBe(400);
    expect(json(result).errors).toEqual([{ field: 'orderId', message: 'The order id must be a UUID.' }]);
  });

  it('is for administrators only: 401 without a caller, 403 for a customer (even the payer)', async () => {
    const { call } = setup();
    expect((await call({ path: `/${ORDER_1}` })).statusCode).toBe(401);
    expect((await call({ path: `/${ORDER_1}`, claims: customerClaims() })).statusCode).toBe(403);
  });

  it('has no other routes', async () => {
    const { call } = setup();
    expect((await call({ path: '/', claims: adminClaims() })).statusCode).toBe(404);
    expect((await call({ method: 'POST', path: `/${ORDER_1}`, claims: adminClaims(), body: {} })).statusCode).toBe(404);
  });

  it('answers an unexpected failure with a generic 500 and logs the cause', async () => {
    const { call, payments, logger } = setup();
    const failure = new Error('ThrottlingException');
    payments.get = async () => {
      throw failure;
    };

    const result = await call({ path: `/${ORDER_1}`, claims: adminClaims() });

    expect(result.statusCode).toBe(500);
    expect(json(result)).toMatchObject({ detail: 'An unexpected error occurred.' });
    expect(logger.error).toHaveBeenCalledWith('Request failed unexpectedly', failure);
  });
});

describe('handler', () => {
  it('is the payment API wrapped with observability, echoing the correlation id', async () => {
    const result = await handler(
      apiGatewayProxyEvent({ path: '/bad', claims: adminClaims(), headers: { 'x-correlation-id': 'corr-h-1' } }),
      fakeLambdaContext(),
    );
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['x-correlation-id']).toBe('corr-h-1');
  });
});
