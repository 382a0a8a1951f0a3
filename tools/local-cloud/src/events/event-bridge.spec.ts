import type { EventTargetDef, RuleDef } from '../assembly/model';
import { memoryLogger } from '../log';
import { EventBridge, type TargetDelivery } from './event-bridge';
import { jsonPath, targetInput } from './target-input';

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:audit';
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:rule-dlq';
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:reconcile';

const target = (overrides: Partial<EventTargetDef> = {}): EventTargetDef => ({
  id: 'Target0',
  arn: FN,
  kind: 'lambda',
  maximumRetryAttempts: 185,
  maximumEventAgeSeconds: 86_400,
  ...overrides,
});

const rule = (overrides: Partial<RuleDef> = {}): RuleDef => ({
  service: 'order',
  stackName: 'shop-local-order',
  logicalId: 'Rule',
  name: 'saga-ended',
  arn: 'arn:aws:events:us-east-1:000000000000:rule/saga-ended',
  eventBusName: 'default',
  enabled: true,
  eventPattern: { source: ['shop.test'], detail: { status: ['FAILED'] } },
  targets: [target()],
  ...overrides,
});

function subject(overrides: Partial<Record<keyof TargetDelivery, jest.Mock>> = {}) {
  const delivery: Record<keyof TargetDelivery, jest.Mock> = {
    invokeAsync: jest.fn(),
    sendMessage: jest.fn().mockResolvedValue(undefined),
    publish: jest.fn().mockResolvedValue(undefined),
    startExecution: jest.fn().mockResolvedValue(undefined),
    ...overrides,
  };
  const logger = memoryLogger();
  const bridge = new EventBridge({ delivery, logger, retryDelayScale: 0.001 });
  return { bridge, delivery, logger };
}

const entry = (detail: unknown, overrides: Record<string, unknown> = {}) => ({
  Source: 'shop.test',
  DetailType: 'Thing Happened',
  Detail: JSON.stringify(detail),
  ...overrides,
});

describe('EventBridge', () => {
  afterEach(() => jest.useRealTimers());

  it('answers PutEvents with an EventId per entry and invokes the Lambda target of a matching rule with the whole event', async () => {
    const { bridge, delivery } = subject();
    bridge.register([rule()]);
    const result = bridge.putEvents([entry({ status: 'FAILED', orderId: 'o-1' }), entry({ status: 'SUCCEEDED' })]);
    await bridge.settle();
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toEqual([{ EventId: expect.any(String) }, { EventId: expect.any(String) }]);
    expect(delivery.invokeAsync).toHaveBeenCalledTimes(1);
    const [functionName, payload, source] = delivery.invokeAsync.mock.calls[0];
    expect([functionName, source]).toEqual(['reconcile', 'events saga-ended']);
    expect(payload).toEqual({
      version: '0',
      id: (result.Entries[0] as { EventId: string }).EventId,
      'detail-type': 'Thing Happened',
      source: 'shop.test',
      account: '000000000000',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: 'us-east-1',
      resources: [],
      detail: { status: 'FAILED', orderId: 'o-1' },
    });
  });

  it('refuses bad entries one by one (no Source, malformed Detail, an unknown bus) and delivers the good ones', async () => {
    const { bridge, delivery } = subject();
    bridge.register([rule()]);
    const result = bridge.putEvents([
      { DetailType: 'x', Detail: '{}' },
      entry(undefined, { Detail: '{not json' }),
      entry(undefined, { Detail: '[1]' }),
      entry({ status: 'FAILED' }, { EventBusName: 'nope' }),
      entry({ status: 'FAILED' }),
    ]);
    await bridge.settle();
    expect(result.FailedEntryCount).toBe(4);
    expect(result.Entries.map((answer) => ('ErrorCode' in answer ? answer.ErrorCode : 'ok'))).toEqual([
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'ResourceNotFoundException',
      'ok',
    ]);
    expect(delivery.invokeAsync).toHaveBeenCalledTimes(1);
  });

  it('routes an event only to the rules of its bus, and a disabled rule gets nothing', async () => {
    const { bridge, delivery } = subject();
    bridge.register(
      [
        rule({
          name: 'on-orders',
          arn: 'arn:aws:events:us-east-1:000000000000:rule/orders/on-orders',
          eventBusName: 'orders',
          targets: [target({ id: 'q', arn: QUEUE, kind: 'sqs' })],
        }),
        rule({ name: 'off', arn: 'arn:aws:events:us-east-1:000000000000:rule/off', enabled: false }),
      ],
      [
        {
          service: 'order',
          stackName: 's',
          logicalId: 'Bus',
          name: 'orders',
          arn: 'arn:aws:events:us-east-1:000000000000:event-bus/orders',
        },
      ],
    );
    bridge.putEvents([
      entry({ status: 'FAILED' }),
      entry({ status: 'FAILED' }, { EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/orders' }),
    ]);
    await bridge.settle();
    expect(delivery.invokeAsync).not.toHaveBeenCalled();
    expect(delivery.sendMessage).toHaveBeenCalledTimes(1);
    expect(delivery.sendMessage.mock.calls[0][0]).toBe(QUEUE);
  });

  it('retries a failed delivery with backoff within the RetryPolicy, then sends the event to the DLQ with the attributes EventBridge sets', async () => {
    const refused = Object.assign(new Error('Function not found: reconcile'), { name: 'ResourceNotFoundException' });
    const { bridge, delivery } = subject({
      invokeAsync: jest.fn(() => {
        throw refused;
      }),
    });
    bridge.register([rule({ targets: [target({ maximumRetryAttempts: 2, deadLetterArn: DLQ })] })]);
    const [accepted] = bridge.putEvents([entry({ status: 'FAILED' })]).Entries as { EventId: string }[];
    await bridge.settle();
    expect(delivery.invokeAsync).toHaveBeenCalledTimes(3);
    expect(delivery.sendMessage).toHaveBeenCalledTimes(1);
    const [queue, body, options] = delivery.sendMessage.mock.calls[0];
    expect(queue).toBe(DLQ);
    expect(JSON.parse(body).id).toBe(accepted.EventId);
    expect(options).toEqual({
      attributes: {
        RULE_ARN: 'arn:aws:events:us-east-1:000000000000:rule/saga-ended',
        TARGET_ARN: FN,
        ERROR_CODE: 'ResourceNotFoundException',
        ERROR_MESSAGE: 'Function not found: reconcile',
        EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttemptsExhausted',
        RETRY_ATTEMPTS: '2',
      },
    });
    expect(bridge.describe()[0].counts).toEqual({ matched: 1, delivered: 0, failed: 3, deadLettered: 1, dropped: 0 });
  });

  it('delivers on a retry after failures, and drops (with a warning) when there is no DLQ', async () => {
    let calls = 0;
    const { bridge, delivery, logger } = subject({
      sendMessage: jest.fn(async () => {
        calls += 1;
        if (calls <= 2) throw Object.assign(new Error('queue is down'), { name: 'QueueDoesNotExist' });
      }),
    });
    bridge.register([
      rule({ targets: [target({ id: 'q', arn: QUEUE, kind: 'sqs', maximumRetryAttempts: 5 })] }),
      rule({
        name: 'other',
        arn: 'arn:aws:events:us-east-1:000000000000:rule/other',
        targets: [target({ id: 'sns', arn: 'arn:aws:sns:us-east-1:000000000000:t', kind: 'sns', maximumRetryAttempts: 0 })],
      }),
    ]);
    delivery.publish.mockRejectedValue(new Error('topic is gone'));
    bridge.putEvents([entry({ status: 'FAILED' })]);
    await bridge.settle();
    expect(delivery.sendMessage).toHaveBeenCalledTimes(3);
    expect(bridge.describe().map((described) => described.counts)).toEqual([
      { matched: 1, delivered: 1, failed: 2, deadLettered: 0, dropped: 0 },
      { matched: 1, delivered: 0, failed: 1, deadLettered: 0, dropped: 1 },
    ]);
    expect(logger.lines.some((line) => /warn rule other target sns: event .* dropped \(MaximumRetryAttemptsExhausted/.test(line))).toBe(
      true,
    );
  });

  it('gives the target Input, InputPath or InputTransformer output instead of the event, and starts Step Functions executions', async () => {
    const { bridge, delivery } = subject();
    bridge.register([
      rule({
        targets: [
          target({ id: 'constant', arn: QUEUE, kind: 'sqs', input: '{"fixed":true}' }),
          target({ id: 'path', arn: 'arn:aws:sns:us-east-1:000000000000:t', kind: 'sns', inputPath: '$.detail' }),
          target({
            id: 'template',
            arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
            kind: 'states',
            inputTransformer: {
              inputPathsMap: { order: '$.detail.orderId', type: '$.detail-type' },
              inputTemplate: '{"orderId": <order>, "text": "<type> for <order>", "rule": "<aws.events.rule-name>"}',
            },
          }),
        ],
      }),
    ]);
    bridge.putEvents([entry({ status: 'FAILED', orderId: 'o-"7"' })]);
    await bridge.settle();
    expect(delivery.sendMessage.mock.calls[0][1]).toBe('{"fixed":true}');
    expect(JSON.parse(delivery.publish.mock.calls[0][1])).toEqual({ status: 'FAILED', orderId: 'o-"7"' });
    expect(JSON.parse(delivery.startExecution.mock.calls[0][1])).toEqual({
      orderId: 'o-"7"',
      text: 'Thing Happened for o-"7"',
      rule: 'saga-ended',
    });
  });

  it('fires a scheduled rule on its schedule with a Scheduled Event, and on demand with runRule', async () => {
    jest.useFakeTimers({ now: Date.parse('2025-03-01T10:07:30Z') });
    const { bridge, delivery } = subject();
    bridge.register([
      rule({
        name: 'sweep',
        arn: 'arn:aws:events:us-east-1:000000000000:rule/sweep',
        eventPattern: undefined,
        scheduleExpression: 'rate(5 minutes)',
      }),
    ]);
    expect(bridge.describe()[0].nextFireAt).toBe('2025-03-01T10:12:30.000Z');
    await jest.advanceTimersByTimeAsync(5 * 60_000 - 1);
    expect(delivery.invokeAsync).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(delivery.invokeAsync).toHaveBeenCalledTimes(1);
    expect(delivery.invokeAsync.mock.calls[0][1]).toEqual({
      version: '0',
      id: expect.any(String),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2025-03-01T10:12:30Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/sweep'],
      detail: {},
    });
    await jest.advanceTimersByTimeAsync(5 * 60_000);
    expect(delivery.invokeAsync).toHaveBeenCalledTimes(2);
    bridge.runRule('sweep');
    expect(delivery.invokeAsync).toHaveBeenCalledTimes(3);
    bridge.stop();
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(delivery.invokeAsync).toHaveBeenCalledTimes(3);
  });

  it('fires a cron schedule on the minute it names', async () => {
    jest.useFakeTimers({ now: Date.parse('2025-03-01T10:07:30Z') });
    const { bridge, delivery } = subject();
    bridge.register([rule({ eventPattern: undefined, scheduleExpression: 'cron(0/15 * * * ? *)' })]);
    await jest.advanceTimersByTimeAsync(7 * 60_000 + 29_999);
    expect(delivery.invokeAsync).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect((delivery.invokeAsync.mock.calls[0][1] as { time: string }).time).toBe('2025-03-01T10:15:00Z');
    bridge.stop();
  });

  it('runs the schedules --schedule-speed times faster: the schedule clock starts at the rule and names the scheduled time', async () => {
    jest.useFakeTimers({ now: Date.parse('2025-03-01T10:07:30Z') });
    const delivery = { invokeAsync: jest.fn(), sendMessage: jest.fn(), publish: jest.fn(), startExecution: jest.fn() };
    const bridge = new EventBridge({ delivery, logger: memoryLogger(), scheduleSpeed: 60 });
    bridge.register([
      rule({ logicalId: 'Rate', name: 'rate', arn: 'rate', eventPattern: undefined, scheduleExpression: 'rate(1 minute)' }),
      rule({ logicalId: 'Cron', name: 'cron', arn: 'cron', eventPattern: undefined, scheduleExpression: 'cron(0/15 * * * ? *)' }),
    ]);
    const fired = (name: string) =>
      delivery.invokeAsync.mock.calls.filter((call) => (call[1] as { resources: string[] }).resources[0] === name);
    await jest.advanceTimersByTimeAsync(999);
    expect(fired('rate')).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(fired('rate')).toHaveLength(1);
    // The cron's 10:15 is 7.5 schedule minutes away: 7.5 real seconds at 60 times.
    await jest.advanceTimersByTimeAsync(6_499);
    expect(fired('cron')).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(fired('cron').map((call) => (call[1] as { time: string }).time)).toEqual(['2025-03-01T10:15:00Z']);
    expect(fired('rate')).toHaveLength(7);
    await jest.advanceTimersByTimeAsync(15_000);
    expect(fired('cron').map((call) => (call[1] as { time: string }).time)).toEqual(['2025-03-01T10:15:00Z', '2025-03-01T10:30:00Z']);
    bridge.stop();
  });

  it('names and skips a rule with an invalid pattern or schedule; runRule refuses pattern rules and unknown names', () => {
    const { bridge, logger } = subject();
    bridge.register([
      rule({ logicalId: 'Bad', eventPattern: { source: 'not-an-array' } }),
      rule({ logicalId: 'Late', name: 'late', arn: 'x', eventPattern: undefined, scheduleExpression: 'rate(5 seconds)' }),
      rule(),
    ]);
    expect(bridge.describe().map((described) => described.name)).toEqual(['saga-ended']);
    expect(logger.lines.filter((line) => line.startsWith('warn rule'))).toEqual([
      expect.stringContaining('rule shop-local-order/Bad not started: Event pattern is not valid'),
      expect.stringContaining('rule shop-local-order/Late not started: Parameter ScheduleExpression is not valid'),
    ]);
    expect(() => bridge.runRule('saga-ended')).toThrow('has no schedule');
    expect(() => bridge.runRule('nope')).toThrow('Rule nope does not exist.');
  });

  it('forgets the rules of a service on unregister', async () => {
    const { bridge, delivery } = subject();
    bridge.register([rule()]);
    bridge.unregister('order');
    bridge.putEvents([entry({ status: 'FAILED' })]);
    await bridge.settle();
    expect(delivery.invokeAsync).not.toHaveBeenCalled();
  });
});

describe('target input', () => {
  const event = { source: 's', 'detail-type': 'Order Placed', detail: { orderId: 'o-1', lines: [{ sku: 'MUG' }], total: 12 } };
  const context = { ruleArn: 'arn:r', ruleName: 'r', ingestionTime: Date.parse('2025-03-01T10:00:00Z') };

  it.each([
    ['$', event],
    ['$.detail.orderId', 'o-1'],
    ['$.detail-type', 'Order Placed'],
    ["$['detail-type']", 'Order Placed'],
    ['$.detail.lines[0].sku', 'MUG'],
    ['$.detail.missing', undefined],
    ['detail', undefined],
  ])('jsonPath %s', (path, expected) => {
    expect(jsonPath(event, path)).toEqual(expected);
  });

  it('fills a plain-text template with raw text', () => {
    expect(
      targetInput(
        {
          inputTransformer: {
            inputPathsMap: { id: '$.detail.orderId', total: '$.detail.total' },
            inputTemplate: 'order <id> costs <total>',
          },
        },
        event,
        context,
      ),
    ).toBe('order o-1 costs 12');
  });

  it('fills a JSON template: JSON outside strings, escaped text inside them, null for a missing path', () => {
    const text = targetInput(
      {
        inputTransformer: {
          inputPathsMap: { lines: '$.detail.lines', id: '$.detail.orderId', gone: '$.detail.missing' },
          inputTemplate:
            '{"lines": <lines>, "id": "<id>", "gone": <gone>, "event": <aws.events.event.json>, "at": "<aws.events.event.ingestion-time>"}',
        },
      },
      event,
      context,
    );
    expect(JSON.parse(text)).toEqual({ lines: [{ sku: 'MUG' }], id: 'o-1', gone: null, event, at: '2025-03-01T10:00:00.000Z' });
  });
});
