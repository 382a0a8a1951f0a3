import type { StateMachineDef } from '../assembly/model';
import { FaultRegistry } from '../faults/registry';
import { parseFaultRule } from '../faults/rules';
import type { InvokeOptions, InvokeOutcome } from '../lambda/function-pool';
import { memoryLogger } from '../log';
import { SfnApiError, statusChangeDetail, StepFunctions, type Execution } from './step-functions';

/** The value, or a failed test when it is missing. */
const defined = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('expected a value');
  return value;
};

const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:order-steps';

/** The order saga in small: reserve (lambda:invoke, Retry on a transient error, Catch out of stock), charge (direct ARN). */
const machine: StateMachineDef = {
  service: 'order',
  stackName: 'shop-local-order',
  logicalId: 'Saga',
  name: 'order-saga',
  arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:order-saga',
  type: 'STANDARD',
  roleArn: 'arn:aws:iam::000000000000:role/saga',
  definition: {
    StartAt: 'Reserve',
    States: {
      Reserve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: FN_ARN, Payload: { action: 'reserve', 'order.$': '$' } },
        ResultSelector: { 'reservation.$': '$.Payload' },
        ResultPath: '$.reserve',
        Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 }],
        Catch: [{ ErrorEquals: ['OutOfStockError'], ResultPath: '$.error', Next: 'Cancel' }],
        Next: 'Charge',
      },
      Charge: { Type: 'Task', Resource: FN_ARN, Parameters: { action: 'charge', 'sku.$': '$.sku' }, ResultPath: '$.charge', Next: 'Done' },
      Cancel: { Type: 'Pass', Parameters: { status: 'CANCELLED', 'reason.$': '$.error.Error' }, Next: 'Cancelled' },
      Cancelled: { Type: 'Fail', Error: 'OrderCancelled', Cause: 'out of stock' },
      Done: { Type: 'Succeed' },
    },
  },
};

type Step = (payload: Record<string, unknown>) => InvokeOutcome;

function service(step: Step) {
  const invokeFunction = jest.fn(async (...[, payload]: [string, unknown, InvokeOptions]) => step(payload as Record<string, unknown>));
  const sfn = new StepFunctions({ invokeFunction, logger: memoryLogger(), retryIntervalMs: 1 });
  sfn.register([machine]);
  return { sfn, invokeFunction };
}

const ok = (payload: unknown): InvokeOutcome => ({ requestId: 'req-1', ok: true, payload, durationMs: 1 });
const fail = (errorType: string, errorMessage: string): InvokeOutcome => ({
  requestId: 'req-1',
  ok: false,
  kind: 'handled',
  error: { errorType, errorMessage, trace: [] },
  durationMs: 1,
});

const happy: Step = (payload) => (payload.action === 'reserve' ? ok({ reservationId: 'R-1' }) : ok({ charged: true }));

describe('StepFunctions task wiring', () => {
  it('runs lambda:invoke with FunctionName and Payload, wraps the result in Payload, and calls a function ARN with the state input', async () => {
    const { sfn, invokeFunction } = service(happy);
    const execution = sfn.startExecution({ stateMachineArn: machine.arn, name: 'o-1', input: JSON.stringify({ id: 'o-1', sku: 'MUG' }) });
    await execution.done;
    expect(invokeFunction.mock.calls.map(([name, payload]) => [name, payload])).toEqual([
      ['order-steps', { action: 'reserve', order: { id: 'o-1', sku: 'MUG' } }],
      ['order-steps', { action: 'charge', sku: 'MUG' }],
    ]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '')).toEqual({
      id: 'o-1',
      sku: 'MUG',
      reserve: { reservation: { reservationId: 'R-1' } },
      charge: { charged: true },
    });
    expect(execution.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:order-saga:o-1');
  });

  it('retries on the error named in Retry (the function error type) and then goes on', async () => {
    let attempts = 0;
    const { sfn } = service((payload) => {
      if (payload.action === 'reserve' && attempts++ === 0) return fail('TransientError', 'try again');
      return happy(payload);
    });
    const execution = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"id":"o-2","sku":"MUG"}' });
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.path.map((step) => `${step.state}:${step.status}`)).toEqual([
      'Reserve:retried',
      'Reserve:succeeded',
      'Charge:succeeded',
      'Done:succeeded',
    ]);
  });

  it('routes a business error through Catch, with the Lambda error as Error and its JSON as Cause', async () => {
    const { sfn } = service((payload) => (payload.action === 'reserve' ? fail('OutOfStockError', 'no stock for OUT') : happy(payload)));
    const execution = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"id":"o-3","sku":"OUT"}' });
    await execution.done;
    expect(execution).toEqual(expect.objectContaining({ status: 'FAILED', error: 'OrderCancelled', cause: 'out of stock' }));
    expect(execution.path.map((step) => `${step.state}:${step.status}`)).toEqual([
      'Reserve:caught',
      'Cancel:succeeded',
      'Cancelled:failed',
    ]);
    const taskFailed = defined(execution.events.find((event) => event.type === 'TaskFailed'));
    expect(taskFailed.taskFailedEventDetails).toEqual({
      error: 'OutOfStockError',
      cause: JSON.stringify({ errorMessage: 'no stock for OUT', errorType: 'OutOfStockError', requestId: 'req-1', stackTrace: [] }),
    });
  });

  it('fails the execution when retries are exhausted', async () => {
    const { sfn, invokeFunction } = service(() => fail('TransientError', 'down'));
    const execution = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"id":"o-4","sku":"MUG"}' });
    await execution.done;
    expect(invokeFunction).toHaveBeenCalledTimes(3);
    expect(execution).toEqual(expect.objectContaining({ status: 'FAILED', error: 'TransientError' }));
  });

  it('keeps an AWS-shaped history in order', async () => {
    const { sfn } = service(happy);
    const execution = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"id":"o-5","sku":"MUG"}' });
    await execution.done;
    expect(execution.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(execution.events.map((event) => event.id)).toEqual(execution.events.map((_event, index) => index + 1));
  });

  it('answers the API errors for unknown machines, unknown executions and a reused name with other input', async () => {
    const { sfn } = service(happy);
    expect(() => sfn.startExecution({ stateMachineArn: 'arn:nope' })).toThrow(SfnApiError);
    expect(() => sfn.describeExecution('arn:nope')).toThrow('Execution Does Not Exist');
    const first = sfn.startExecution({ stateMachineArn: machine.arn, name: 'dup', input: '{"id":"a","sku":"MUG"}' });
    expect(sfn.startExecution({ stateMachineArn: machine.arn, name: 'dup', input: '{"id":"a","sku":"MUG"}' })).toBe(first);
    expect(() => sfn.startExecution({ stateMachineArn: machine.arn, name: 'dup', input: '{"id":"b"}' })).toThrow(
      'Execution Already Exists',
    );
    await first.done;
  });

  it('stops an execution right after a state completed when a fault rule says so: ABORTED, the next state never starts', async () => {
    const faults = new FaultRegistry({ logger: memoryLogger() });
    const parsed = parseFaultRule({ kind: 'execution', stateMachine: 'order-saga', afterState: 'Reserve', action: 'stop' });
    if (!parsed.ok) throw new Error(parsed.problem.message);
    faults.add(parsed.rule);
    const invokeFunction = jest.fn(async (...[, payload]: [string, unknown, InvokeOptions]) => happy(payload as Record<string, unknown>));
    const sfn = new StepFunctions({ invokeFunction, logger: memoryLogger(), faults });
    sfn.register([machine]);
    const stopped = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"id":"o-6","sku":"MUG"}' });
    await stopped.done;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped.status).toBe('ABORTED');
    expect(invokeFunction).toHaveBeenCalledTimes(1);
    expect(stopped.path.map((step) => `${step.state}:${step.status}`)).toEqual(['Reserve:succeeded']);
    expect(stopped.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionAborted',
    ]);
    // The rule had a count of 1: the next execution runs through.
    const next = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"id":"o-7","sku":"MUG"}' });
    await next.done;
    expect(next.status).toBe('SUCCEEDED');
  });

  it('calls a service integration (sns:publish) through the integration hook', async () => {
    const integration = jest.fn().mockResolvedValue({ MessageId: 'm-1' });
    const sfn = new StepFunctions({ invokeFunction: jest.fn(), integration, logger: memoryLogger() });
    sfn.register([
      {
        ...machine,
        arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:notify',
        name: 'notify',
        definition: {
          StartAt: 'Publish',
          States: {
            Publish: {
              Type: 'Task',
              Resource: 'arn:aws:states:::sns:publish',
              Parameters: { TopicArn: 'arn:t', 'Message.$': '$' },
              End: true,
            },
          },
        },
      },
    ]);
    const execution = sfn.startExecution({
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:notify',
      input: '{"a":1}',
    });
    await execution.done;
    expect(integration).toHaveBeenCalledWith('sns', 'publish', { TopicArn: 'arn:t', Message: { a: 1 } });
    expect(JSON.parse(execution.output ?? '')).toEqual({ MessageId: 'm-1' });
  });
});

describe('StepFunctions execution memory', () => {
  const other: StateMachineDef = { ...machine, name: 'other-saga', arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:other-saga' };

  it('keeps at most maxExecutions finished executions per state machine, drops the oldest finished first and never a running one', async () => {
    let release: (outcome: InvokeOutcome) => void = () => undefined;
    const invokeFunction = jest.fn(async (_name: string, payload: unknown) => {
      if ((payload as { order?: { id?: string } }).order?.id === 'slow')
        return new Promise<InvokeOutcome>((resolve) => (release = resolve));
      return happy(payload as Record<string, unknown>);
    });
    const sfn = new StepFunctions({ invokeFunction, logger: memoryLogger(), retryIntervalMs: 1, maxExecutions: 3 });
    sfn.register([machine, other]);
    const start = (def: StateMachineDef, name: string) =>
      sfn.startExecution({ stateMachineArn: def.arn, name, input: JSON.stringify({ id: name, sku: 'MUG' }) });

    const slow = start(machine, 'slow');
    for (const name of ['f1', 'f2', 'f3', 'f4', 'f5']) await start(machine, name).done;
    for (const name of ['o1', 'o2']) await start(other, name).done;
    const names = (def: StateMachineDef) =>
      sfn
        .listExecutions(def.arn)
        .map((execution) => `${execution.name}:${execution.status}`)
        .sort();

    expect(names(machine)).toEqual(['f3:SUCCEEDED', 'f4:SUCCEEDED', 'f5:SUCCEEDED', 'slow:RUNNING']);
    expect(() => sfn.describeExecution(`${machine.arn.replace(':stateMachine:', ':execution:')}:f1`)).toThrow('Execution Does Not Exist');
    expect(names(other)).toEqual(['o1:SUCCEEDED', 'o2:SUCCEEDED']);

    release(ok({ reservationId: 'R-slow' }));
    await slow.done;
    expect(names(machine)).toEqual(['f4:SUCCEEDED', 'f5:SUCCEEDED', 'slow:SUCCEEDED']);
  });
});

describe('StepFunctions execution ends: status changes, TimeoutSeconds, StopExecution', () => {
  /** Reserve (a slow task with a Retry on everything), then Charge: the second task must never start once the execution has ended. */
  const slowMachine = (timeoutSeconds?: number, type = 'STANDARD'): StateMachineDef => ({
    ...machine,
    name: 'slow',
    arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:slow',
    type,
    definition: {
      ...(timeoutSeconds === undefined ? {} : { TimeoutSeconds: timeoutSeconds }),
      StartAt: 'Reserve',
      States: {
        Reserve: {
          Type: 'Task',
          Resource: FN_ARN,
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3 }],
          Next: 'Charge',
        },
        Charge: { Type: 'Task', Resource: FN_ARN, End: true },
      },
    },
  });

  /** A function that answers `outcome` after `ms`, and records each call. */
  function slowService(def: StateMachineDef, ms: number, outcome: () => InvokeOutcome) {
    const calls: unknown[] = [];
    const changes: { status: string; detail: ReturnType<typeof statusChangeDetail> }[] = [];
    const invokeFunction = jest.fn(async (_name: string, payload: unknown) => {
      calls.push(payload);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return outcome();
    });
    const sfn = new StepFunctions({
      invokeFunction,
      logger: memoryLogger(),
      retryIntervalMs: 1,
      onStatusChange: (execution: Execution) => changes.push({ status: execution.status, detail: statusChangeDetail(execution) }),
    });
    sfn.register([def]);
    return { sfn, calls, changes };
  }

  it('tells RUNNING at the start and SUCCEEDED at the end, with the detail AWS sends (dates in epoch ms)', async () => {
    const { sfn, changes } = slowService(slowMachine(), 1, () => ok({ done: true }));
    const execution = sfn.startExecution({
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:slow',
      name: 'e-1',
      input: '{"id":"o-1"}',
    });
    expect(changes.map((change) => change.status)).toEqual(['RUNNING']);
    expect(changes[0].detail).toEqual({
      executionArn: 'arn:aws:states:us-east-1:000000000000:execution:slow:e-1',
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:slow',
      name: 'e-1',
      status: 'RUNNING',
      startDate: execution.startDate.getTime(),
      stopDate: null,
      input: '{"id":"o-1"}',
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: null,
      cause: null,
    });
    await execution.done;
    expect(changes.map((change) => change.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(changes[1].detail).toEqual(
      expect.objectContaining({
        status: 'SUCCEEDED',
        stopDate: defined(execution.stopDate).getTime(),
        output: '{"done":true}',
        outputDetails: { included: true },
      }),
    );
  });

  it("ends TIMED_OUT after the definition's TimeoutSeconds, abandons the running task and starts nothing after it", async () => {
    const { sfn, calls, changes } = slowService(slowMachine(1), 1500, () => ok({ late: true }));
    const execution = sfn.startExecution({
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:slow',
      name: 'e-2',
      input: '{}',
    });
    await execution.done;
    expect(execution.status).toBe('TIMED_OUT');
    expect(defined(execution.stopDate).getTime() - execution.startDate.getTime()).toBeGreaterThanOrEqual(1000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(calls).toHaveLength(1);
    expect(execution.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'ExecutionTimedOut',
    ]);
    expect(changes.map((change) => [change.status, change.detail.error])).toEqual([
      ['RUNNING', null],
      ['TIMED_OUT', 'States.Timeout'],
    ]);
  });

  it('ends ABORTED on StopExecution with its error and cause, and a failing abandoned task is not retried', async () => {
    const { sfn, calls, changes } = slowService(slowMachine(), 300, () => fail('TransientError', 'late failure'));
    const execution = sfn.startExecution({
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:slow',
      name: 'e-3',
      input: '{}',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    sfn.stopExecution(execution.executionArn, { error: 'Operator', cause: 'stopped by a test' });
    await execution.done;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(execution).toEqual(expect.objectContaining({ status: 'ABORTED', error: 'Operator', cause: 'stopped by a test' }));
    expect(calls).toHaveLength(1);
    expect(execution.events.at(-1)).toEqual(
      expect.objectContaining({
        type: 'ExecutionAborted',
        executionAbortedEventDetails: { error: 'Operator', cause: 'stopped by a test' },
      }),
    );
    expect(changes.map((change) => change.status)).toEqual(['RUNNING', 'ABORTED']);
  });

  it('tells nothing for an EXPRESS state machine (Step Functions sends status changes for STANDARD ones)', async () => {
    const { sfn, changes } = slowService(slowMachine(undefined, 'EXPRESS'), 1, () => ok({}));
    await sfn.startExecution({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:slow', input: '{}' }).done;
    expect(changes).toEqual([]);
  });
});
