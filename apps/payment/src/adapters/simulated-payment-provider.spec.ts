import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@shop/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PaymentProviderUnavailableError } from '../domain/errors';
import { fixedClock } from '../domain/testing/in-memory-payments';
import { ORDER_1 } from '../domain/testing/payment-fixtures';
import { InvalidFailureTokensSettingError, parseFailureTokens } from './failure-tokens';
import { SimulatedPaymentProvider } from './simulated-payment-provider';

const ddb = mockClient(DynamoDBDocumentClient);
const docClient = createDocumentClient({ clientConfig: { region: 'eu-west-1' } });
const provider = new SimulatedPaymentProvider(docClient, 'payments', fixedClock('2025-03-01T00:00:00.000Z'), 'enabled');
const amount = { amount: 100, currency: 'EUR' as const };
const authorize = (paymentToken: string) => provider.authorize({ orderId: ORDER_1, paymentToken, amount });

beforeEach(() => {
  ddb.reset();
});

describe('SimulatedPaymentProvider', () => {
  it('approves tok_approve with an authorization derived from the order', async () => {
    await expect(authorize('tok_approve')).resolves.toEqual({ outcome: 'approved', authorizationId: `auth_${ORDER_1}` });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('declines tok_decline (card_declined) and any unknown token (unknown_token)', async () => {
    await expect(authorize('tok_decline')).resolves.toEqual({ outcome: 'declined', reason: 'card_declined' });
    await expect(authorize('tok_visa')).resolves.toEqual({ outcome: 'declined', reason: 'unknown_token' });
    await expect(authorize('tok_transient_x')).resolves.toEqual({ outcome: 'declined', reason: 'unknown_token' });
  });

  it('fails tok_transient_<n> transiently while the per-order count in the table is at most n, then approves', async () => {
    ddb
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { attempts: 1 } })
      .resolvesOnce({ Attributes: { attempts: 2 } })
      .resolvesOnce({ Attributes: { attempts: 3 } });

    await expect(authorize('tok_transient_2')).rejects.toEqual(
      new PaymentProviderUnavailableError('The payment provider is unavailable (simulated failure 1 of 2).'),
    );
    await expect(authorize('tok_transient_2')).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    await expect(authorize('tok_transient_2')).resolves.toEqual({ outcome: 'approved', authorizationId: `auth_${ORDER_1}` });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'payments',
      Key: { pk: `SIMULATOR#${ORDER_1}`, sk: 'TRANSIENT_FAILURES' },
      UpdateExpression: 'ADD #attempts :one SET #expiresAt = :expiresAt',
      ExpressionAttributeValues: { ':one': 1, ':expiresAt': Date.parse('2025-03-02T00:00:00.000Z') / 1000 },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it.each([
    ['disabled', new SimulatedPaymentProvider(docClient, 'payments', fixedClock('2025-03-01T00:00:00.000Z'), 'disabled')],
    ['not set (the default)', new SimulatedPaymentProvider(docClient, 'payments', fixedClock('2025-03-01T00:00:00.000Z'))],
  ])('declines tok_transient_<n> as test_token_refused where failure tokens are %s, counting nothing', async (_label, strict) => {
    await expect(strict.authorize({ orderId: ORDER_1, paymentToken: 'tok_transient_3', amount })).resolves.toEqual({
      outcome: 'declined',
      reason: 'test_token_refused',
    });
    await expect(strict.authorize({ orderId: ORDER_1, paymentToken: 'tok_approve', amount })).resolves.toEqual({
      outcome: 'approved',
      authorizationId: `auth_${ORDER_1}`,
    });
    await expect(strict.authorize({ orderId: ORDER_1, paymentToken: 'tok_decline', amount })).resolves.toEqual({
      outcome: 'declined',
      reason: 'card_declined',
    });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('captures, refunds and voids idempotently (ids derived from the order)', async () => {
    await expect(provider.capture({ orderId: ORDER_1 })).resolves.toEqual({ captureId: `cap_${ORDER_1}` });
    await expect(provider.refund({ orderId: ORDER_1 })).resolves.toEqual({ refundId: `ref_${ORDER_1}` });
    await expect(provider.voidAuthorization()).resolves.toBeUndefined();
  });
});

describe('parseFailureTokens', () => {
  it.each(['enabled', 'disabled'] as const)('reads %s', (value) => {
    expect(parseFailureTokens(value)).toBe(value);
  });

  it.each(['true', 'Enabled', 'off', ' enabled'])('refuses %j by name, so a typo cannot switch failures on or off', (value) => {
    expect(() => parseFailureTokens(value)).toThrow(new InvalidFailureTokensSettingError(value));
    expect(() => parseFailureTokens(value)).toThrow('Environment variable SIMULATED_FAILURE_TOKENS must be "enabled" or "disabled"');
  });
});
