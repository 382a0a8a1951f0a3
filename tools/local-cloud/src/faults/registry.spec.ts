import { memoryLogger } from '../log';
import { FaultRegistry } from './registry';
import { MAX_FAULT_RULES, parseFaultRule, type FaultRule } from './rules';

const rule = (body: unknown): FaultRule => {
  const parsed = parseFaultRule(body);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.rule;
};

const setup = () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const logger = memoryLogger();
  const registry = new FaultRegistry({ logger, now: () => now });
  return { registry, logger, advance: (ms: number) => (now += ms) };
};

const putItem = (table = 'shop-local-inventory-Stock') => ({ service: 'dynamodb' as const, operation: 'PutItem', resources: [table] });
const charge = { name: 'shop-local-payment-ChargePaymentFunction32A27948', label: 'payment:ChargePaymentFunction' };
const saga = { name: 'shop-local-order-Saga', arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-local-order-Saga' };

describe('FaultRegistry', () => {
  it('fails as many calls as the count says, then none, and shows the hits', () => {
    const { registry, logger } = setup();
    const added = registry.add(
      rule({ kind: 'aws', service: 'dynamodb', operations: ['PutItem'], resource: 'Stock', error: 'throttle', count: 2 }),
    );
    expect(added).toEqual(
      expect.objectContaining({
        id: 'fault-1',
        hits: 0,
        remaining: 2,
        secondsLeft: null,
        active: true,
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    expect(registry.watches('dynamodb')).toBe(true);
    expect([1, 2, 3].map(() => registry.awsFault(putItem())?.error)).toEqual(['throttle', 'throttle', undefined]);
    expect(registry.get('fault-1')).toEqual(expect.objectContaining({ hits: 2, remaining: 0, active: false }));
    expect(registry.watches('dynamodb')).toBe(false);
    expect(logger.lines.filter((line) => line.startsWith('fault '))).toEqual([
      'fault fault-1 dynamodb PutItem shop-local-inventory-Stock → throttle (hit 1, 1 left)',
      'fault fault-1 dynamodb PutItem shop-local-inventory-Stock → throttle (hit 2, 0 left)',
    ]);
  });

  it('fails every matching call for the seconds it was given, then none', () => {
    const { registry, advance } = setup();
    registry.add(rule({ kind: 'aws', service: 'sns', error: 'unavailable', seconds: 20 }));
    const publish = { service: 'sns' as const, operation: 'Publish', resources: ['arn:aws:sns:us-east-1:000000000000:t'] };
    for (let call = 0; call < 50; call += 1) expect(registry.awsFault(publish)?.error).toBe('unavailable');
    advance(19_500);
    expect(registry.list()[0]).toEqual(expect.objectContaining({ hits: 50, remaining: null, secondsLeft: 0.5, active: true }));
    expect(registry.awsFault(publish)).toBeDefined();
    advance(500);
    expect(registry.awsFault(publish)).toBeUndefined();
    expect(registry.list()[0]).toEqual(expect.objectContaining({ hits: 51, secondsLeft: 0, active: false }));
  });

  it('matches only the service, operations and resource it names', () => {
    const { registry } = setup();
    registry.add(
      rule({
        kind: 'aws',
        service: 'dynamodb',
        operations: ['PutItem', 'TransactWriteItems'],
        resource: 'Stock',
        error: 'unavailable',
        count: 10,
      }),
    );
    expect(registry.watches('sqs')).toBe(false);
    expect(registry.awsFault({ service: 'sqs', operation: 'PutItem', resources: ['Stock'] })).toBeUndefined();
    expect(registry.awsFault({ service: 'dynamodb', operation: 'GetItem', resources: ['shop-local-inventory-Stock'] })).toBeUndefined();
    expect(registry.awsFault(putItem('shop-local-order-Orders'))).toBeUndefined();
    expect(
      registry.awsFault({
        service: 'dynamodb',
        operation: 'TransactWriteItems',
        resources: ['shop-local-order-Orders', 'shop-local-inventory-Stock'],
      }),
    ).toBeDefined();
    expect(registry.get('fault-1')?.hits).toBe(1);
  });

  it('answers a function crash before or after its handler, each by its own rule', () => {
    const { registry } = setup();
    registry.add(rule({ kind: 'function', function: 'payment:ChargePayment', mode: 'crash-after', count: 2 }));
    registry.add(rule({ kind: 'function', function: 'ChargePaymentFunction32A27948', mode: 'crash-before', count: 1 }));
    registry.add(rule({ kind: 'function', function: 'order:Confirm', mode: 'timeout-after', count: 1 }));
    expect([registry.crashBefore(charge), registry.crashBefore(charge)]).toEqual([true, false]);
    expect([registry.afterHandler(charge), registry.afterHandler(charge), registry.afterHandler(charge)]).toEqual([
      'crash',
      'crash',
      undefined,
    ]);
    const confirm = { name: 'shop-local-order-ConfirmOrderFunctionAFA74C9B', label: 'order:ConfirmOrderFunction' };
    expect([registry.crashBefore(confirm), registry.afterHandler(confirm), registry.afterHandler(confirm)]).toEqual([
      false,
      'timeout',
      undefined,
    ]);
    expect(registry.list().map((view) => view.hits)).toEqual([2, 1, 1]);
  });

  it('stops an execution after the named state of a matching state machine only', () => {
    const { registry } = setup();
    registry.add(rule({ kind: 'execution', stateMachine: 'order-Saga', afterState: 'ReserveStock', action: 'stop', count: 2 }));
    expect(registry.stopAfterState(saga, 'ChargePayment')).toBe(false);
    expect(
      registry.stopAfterState(
        { name: 'shop-local-other-Flow', arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-local-other-Flow' },
        'ReserveStock',
      ),
    ).toBe(false);
    expect([1, 2, 3].map(() => registry.stopAfterState(saga, 'ReserveStock'))).toEqual([true, true, false]);
  });

  it('deletes one rule or all, keeps at most MAX_FAULT_RULES, and never reuses an id', () => {
    const { registry } = setup();
    for (let index = 0; index < MAX_FAULT_RULES; index += 1)
      expect(registry.add(rule({ kind: 'aws', service: 'sqs', error: 'throttle', count: 1 }))).toBeDefined();
    expect(registry.add(rule({ kind: 'aws', service: 'sqs', error: 'throttle', count: 1 }))).toBeUndefined();
    expect(registry.remove('fault-7')?.id).toBe('fault-7');
    expect(registry.remove('fault-7')).toBeUndefined();
    expect(registry.list()).toHaveLength(MAX_FAULT_RULES - 1);
    expect(registry.clear()).toBe(MAX_FAULT_RULES - 1);
    expect([registry.list(), registry.watches('sqs')]).toEqual([[], false]);
    expect(registry.add(rule({ kind: 'aws', service: 'sqs', error: 'throttle', count: 1 }))?.id).toBe(`fault-${MAX_FAULT_RULES + 1}`);
  });
});
