import type { RuleDef } from '../assembly/model';
import { EventBridge } from '../events/event-bridge';
import { memoryLogger } from '../log';
import { eventBridgeEndpoint } from './endpoints';

const rule: RuleDef = {
  service: 'order',
  stackName: 'shop-local-order',
  logicalId: 'Sweep',
  name: 'sweep',
  arn: 'arn:aws:events:us-east-1:000000000000:rule/sweep',
  eventBusName: 'default',
  enabled: true,
  scheduleExpression: 'rate(5 minutes)',
  targets: [
    {
      id: 'Target0',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:sweep',
      kind: 'lambda',
      maximumRetryAttempts: 185,
      maximumEventAgeSeconds: 86_400,
    },
  ],
};

function subject() {
  const invokeAsync = jest.fn();
  const bridge = new EventBridge({
    delivery: { invokeAsync, sendMessage: jest.fn(), publish: jest.fn(), startExecution: jest.fn() },
    logger: memoryLogger(),
  });
  bridge.register([rule]);
  const handler = eventBridgeEndpoint(() => bridge);
  const call = async (operation: string, input: unknown) => {
    const answer = await handler({
      httpMethod: 'POST',
      path: '/_aws/events',
      query: '',
      rawHeaders: [],
      body: Buffer.from(JSON.stringify(input)),
      sourceIp: '127.0.0.1',
      protocol: 'HTTP/1.1',
      url: new URL('http://local/_aws/events'),
      headerOf: (name) => (name === 'x-amz-target' ? `AWSEvents.${operation}` : undefined),
    });
    return { status: answer.statusCode, body: JSON.parse(String(answer.body)) as Record<string, unknown> };
  };
  return { bridge, call };
}

describe('the EventBridge API under /_aws/events (AWS JSON 1.1)', () => {
  it('answers PutEvents with an entry per event, and ValidationException for no entries or more than 10', async () => {
    const { bridge, call } = subject();
    const put = await call('PutEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] });
    expect(put).toEqual({ status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] } });
    expect((await call('PutEvents', { Entries: [] })).body.__type).toBe('ValidationException');
    const eleven = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));
    expect(await call('PutEvents', { Entries: eleven })).toEqual({
      status: 400,
      body: expect.objectContaining({ __type: 'ValidationException' }),
    });
    bridge.stop();
  });

  it('answers TestEventPattern, and InvalidEventPatternException for a pattern EventBridge refuses', async () => {
    const { bridge, call } = subject();
    const event = JSON.stringify({ source: 'aws.states', detail: { status: 'FAILED' } });
    expect((await call('TestEventPattern', { Event: event, EventPattern: '{"detail":{"status":["FAILED","ABORTED"]}}' })).body).toEqual({
      Result: true,
    });
    expect((await call('TestEventPattern', { Event: event, EventPattern: '{"detail":{"status":["SUCCEEDED"]}}' })).body).toEqual({
      Result: false,
    });
    expect(await call('TestEventPattern', { Event: event, EventPattern: '{"detail":{"status":"FAILED"}}' })).toEqual({
      status: 400,
      body: expect.objectContaining({ __type: 'InvalidEventPatternException' }),
    });
    bridge.stop();
  });

  it('describes rules and their targets; an unknown rule is ResourceNotFoundException', async () => {
    const { bridge, call } = subject();
    expect((await call('ListRules', {})).body).toEqual({
      Rules: [{ Name: 'sweep', Arn: rule.arn, EventBusName: 'default', State: 'ENABLED', ScheduleExpression: 'rate(5 minutes)' }],
    });
    expect((await call('ListTargetsByRule', { Rule: 'sweep' })).body).toEqual({
      Targets: [{ Id: 'Target0', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:sweep' }],
    });
    expect(await call('DescribeRule', { Name: 'nope' })).toEqual({
      status: 400,
      body: { __type: 'ResourceNotFoundException', message: 'Rule nope does not exist.' },
    });
    bridge.stop();
  });
});
