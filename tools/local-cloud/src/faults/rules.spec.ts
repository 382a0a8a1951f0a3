import { checkTargets, MAX_FAULT_COUNT, parseFaultRule, type FaultRule, type FaultTargets } from './rules';

const rule = (body: unknown): FaultRule => {
  const parsed = parseFaultRule(body);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.rule;
};
const problem = (body: unknown) => {
  const parsed = parseFaultRule(body);
  return parsed.ok ? undefined : parsed.problem.field;
};

const targets: FaultTargets = {
  tables: () => ['shop-local-inventory-StateInventoryTable9DA003C1'],
  queues: () => [
    { name: 'shop-local-order-IntakeQueue1', url: 'http://127.0.0.1:3000/_aws/sqs/000000000000/shop-local-order-IntakeQueue1' },
  ],
  topics: () => ['arn:aws:sns:us-east-1:000000000000:shop-local-order-StateEventsTopicA76B51C3'],
  functions: () => [{ name: 'shop-local-payment-ChargePaymentFunction32A27948', label: 'payment:ChargePaymentFunction' }],
  stateMachines: () => [
    {
      name: 'shop-local-order-SagaStateMachine2D1F7D68',
      arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-local-order-SagaStateMachine2D1F7D68',
      taskStates: ['ReserveStock', 'ChargePayment'],
    },
  ],
  operations: async (service) => ({ dynamodb: ['PutItem', 'UpdateItem'], sqs: ['SendMessage'], sns: ['Publish'] })[service],
};

describe('parseFaultRule', () => {
  it('reads each kind of rule', () => {
    expect(rule({ kind: 'aws', service: 'dynamodb', operations: ['PutItem'], resource: 'Inventory', error: 'throttle', count: 5 })).toEqual(
      {
        kind: 'aws',
        service: 'dynamodb',
        operations: ['PutItem'],
        resource: 'Inventory',
        error: 'throttle',
        count: 5,
      },
    );
    expect(rule({ kind: 'function', function: 'payment:Charge', mode: 'crash-after', seconds: 2.5 })).toEqual({
      kind: 'function',
      function: 'payment:Charge',
      mode: 'crash-after',
      seconds: 2.5,
    });
    expect(rule({ kind: 'execution', stateMachine: 'Saga', afterState: 'ReserveStock', action: 'stop' })).toEqual({
      kind: 'execution',
      stateMachine: 'Saga',
      afterState: 'ReserveStock',
      action: 'stop',
      count: 1,
    });
  });

  it.each([
    ['an unknown kind', { kind: 'network', count: 1 }, 'kind'],
    ['no kind', { service: 'sqs', error: 'throttle', count: 1 }, 'kind'],
    ['an unknown service', { kind: 'aws', service: 's3', error: 'throttle', count: 1 }, 'service'],
    ['an unknown error', { kind: 'aws', service: 'sqs', error: 'slow', count: 1 }, 'error'],
    ['neither count nor seconds', { kind: 'aws', service: 'sqs', error: 'throttle' }, 'count'],
    ['a count above the maximum', { kind: 'aws', service: 'sqs', error: 'throttle', count: MAX_FAULT_COUNT + 1 }, 'count'],
    ['a fractional count', { kind: 'function', function: 'x', mode: 'crash-after', count: 1.5 }, 'count'],
    ['seconds above the maximum', { kind: 'function', function: 'x', mode: 'crash-after', seconds: 601 }, 'seconds'],
    ['zero seconds', { kind: 'function', function: 'x', mode: 'crash-after', seconds: 0 }, 'seconds'],
    ['an unknown mode', { kind: 'function', function: 'x', mode: 'explode', count: 1 }, 'mode'],
    ['an empty function', { kind: 'function', function: ' ', mode: 'crash-after', count: 1 }, 'function'],
    [
      'an operation in lower case',
      { kind: 'aws', service: 'dynamodb', operations: ['putItem'], error: 'throttle', count: 1 },
      'operations.0',
    ],
    ['an empty operation list', { kind: 'aws', service: 'dynamodb', operations: [], error: 'throttle', count: 1 }, 'operations'],
    ['an unknown field', { kind: 'aws', service: 'dynamodb', error: 'throttle', count: 1, table: 'x' }, 'table'],
    ['an action other than stop', { kind: 'execution', stateMachine: 'Saga', afterState: 'A', action: 'pause' }, 'action'],
    ['not an object', ['aws'], 'kind'],
  ])('refuses %s, naming the field', (_case, body, field) => {
    expect(problem(body)).toBe(field);
  });
});

describe('checkTargets', () => {
  const check = (body: unknown) => checkTargets(rule(body), targets);

  it('accepts targets that match what runs, by substring', async () => {
    expect(
      await check({
        kind: 'aws',
        service: 'dynamodb',
        operations: ['PutItem'],
        resource: 'StateInventoryTable',
        error: 'throttle',
        count: 1,
      }),
    ).toBeUndefined();
    expect(await check({ kind: 'aws', service: 'sqs', resource: 'IntakeQueue', error: 'throttle', count: 1 })).toBeUndefined();
    expect(
      await check({ kind: 'aws', service: 'sns', resource: 'order-StateEventsTopic', error: 'unavailable', seconds: 1 }),
    ).toBeUndefined();
    expect(await check({ kind: 'function', function: 'payment:ChargePayment', mode: 'crash-after', count: 1 })).toBeUndefined();
    expect(await check({ kind: 'function', function: 'ChargePaymentFunction32A', mode: 'crash-after', count: 1 })).toBeUndefined();
    expect(await check({ kind: 'execution', stateMachine: 'order-Saga', afterState: 'ChargePayment', action: 'stop' })).toBeUndefined();
  });

  it('refuses a target that matches nothing, listing what exists', async () => {
    expect(await check({ kind: 'aws', service: 'dynamodb', resource: 'Orders', error: 'throttle', count: 1 })).toEqual({
      message: 'resource: "Orders" matches no table',
      field: 'resource',
      available: ['shop-local-inventory-StateInventoryTable9DA003C1'],
    });
    expect(await check({ kind: 'aws', service: 'sqs', resource: 'Shipping', error: 'throttle', count: 1 })).toEqual(
      expect.objectContaining({ field: 'resource', available: ['shop-local-order-IntakeQueue1'] }),
    );
    expect(await check({ kind: 'aws', service: 'dynamodb', operations: ['PutItem', 'PutItems'], error: 'throttle', count: 1 })).toEqual({
      message: 'operations: PutItems is not a dynamodb operation',
      field: 'operations',
      available: ['PutItem', 'UpdateItem'],
    });
    expect(await check({ kind: 'function', function: 'refund', mode: 'crash-after', count: 1 })).toEqual(
      expect.objectContaining({ field: 'function', available: ['payment:ChargePaymentFunction'] }),
    );
    expect(await check({ kind: 'execution', stateMachine: 'Checkout', afterState: 'ReserveStock', action: 'stop' })).toEqual(
      expect.objectContaining({ field: 'stateMachine', available: ['shop-local-order-SagaStateMachine2D1F7D68'] }),
    );
    expect(await check({ kind: 'execution', stateMachine: 'Saga', afterState: 'Confirmed', action: 'stop' })).toEqual(
      expect.objectContaining({ field: 'afterState', available: ['ChargePayment', 'ReserveStock'] }),
    );
  });
});
