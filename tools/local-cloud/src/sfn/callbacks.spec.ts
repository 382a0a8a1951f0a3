import type { StateMachineDef } from '../assembly/model';
import type { InvokeOptions, InvokeOutcome } from '../lambda/function-pool';
import { memoryLogger } from '../log';
import { SfnApiError, StepFunctions, taskResourceEmulated, type Execution } from './step-functions';

const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:approver';
const QUEUE_URL = 'http://127.0.0.1:4566/000000000000/approvals';

const machineDef = (name: string, definition: Record<string, unknown>): StateMachineDef => ({
  service: 'demo',
  stackName: 'demo',
  logicalId: name,
  name,
  arn: `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`,
  type: 'STANDARD',
  roleArn: 'arn:aws:iam::000000000000:role/demo',
  definition,
});

/** Waits for the function's invocation (or the SQS message) with the token, as the task made it. */
const approval = machineDef('approval', {
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN_ARN, Payload: { 'token.$': '$$.Task.Token', 'order.$': '$.order' } },
      ResultPath: '$.approval',
      Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.error', Next: 'Refused' }],
      End: true,
    },
    Refused: { Type: 'Pass', Result: 'refused', ResultPath: '$.outcome', End: true },
  },
});
const queued = machineDef('queued', {
  StartAt: 'Enqueue',
  States: {
    Enqueue: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      HeartbeatSeconds: 1,
      Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'TaskToken.$': '$$.Task.Token', 'job.$': '$.job' } },
      End: true,
    },
  },
});
const tokenless = machineDef('tokenless', {
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN_ARN, Payload: { 'order.$': '$.order' } },
      End: true,
    },
  },
});
const child = machineDef('child', {
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.fail', IsPresent: true },
            { Variable: '$.fail', BooleanEquals: true },
          ],
          Next: 'Boom',
        },
      ],
      Default: 'Double',
    },
    Double: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true },
    Boom: { Type: 'Fail', Error: 'ChildFailed', Cause: 'asked to fail' },
  },
});
const parent = (name: string, resource: string) =>
  machineDef(name, {
    StartAt: 'RunChild',
    States: {
      RunChild: {
        Type: 'Task',
        Resource: resource,
        Parameters: { StateMachineArn: child.arn, 'Input.$': '$' },
        End: true,
      },
    },
  });
const parentSync = parent('parent-sync', 'arn:aws:states:::states:startExecution.sync');
const parentSync2 = parent('parent-sync2', 'arn:aws:states:::states:startExecution.sync:2');
const parentAsync = parent('parent-async', 'arn:aws:states:::states:startExecution');

/** One StepFunctions for the file (compiling the definitions is the slow part); the tokens and calls are cleared per test. */
let shared: ReturnType<typeof create> | undefined;
beforeAll(() => {
  shared = create();
}, 60_000);

function subject() {
  if (!shared) throw new Error('beforeAll did not run');
  shared.tokens.length = 0;
  shared.invokeFunction.mockClear();
  shared.integration.mockClear();
  return shared;
}

function create() {
  const tokens: string[] = [];
  const invokeFunction = jest.fn(async (...[, payload]: [string, unknown, InvokeOptions]): Promise<InvokeOutcome> => {
    tokens.push(String((payload as { token: string }).token));
    return { requestId: 'r', ok: true, payload: 'asked', durationMs: 1 };
  });
  const integration = jest.fn(async (_service: string, _action: string, parameters: Record<string, unknown>) => {
    tokens.push(String((parameters.MessageBody as { TaskToken: string }).TaskToken));
    return { MessageId: 'm-1' };
  });
  const sfn = new StepFunctions({ invokeFunction, integration, logger: memoryLogger() });
  sfn.register([approval, queued, tokenless, child, parentSync, parentSync2, parentAsync]);
  const start = (def: StateMachineDef, input: unknown) => sfn.startExecution({ stateMachineArn: def.arn, input: JSON.stringify(input) });
  return { sfn, tokens, invokeFunction, integration, start };
}

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 1000 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met');
}

const types = (execution: Execution) => execution.events.map((event) => event.type);

describe('Step Functions callbacks (.waitForTaskToken)', () => {
  it('invokes the function with a token of its own and waits: SendTaskSuccess ends the task with its output', async () => {
    const { sfn, tokens, start } = subject();
    const execution = start(approval, { order: 'o-1' });
    await until(() => tokens.length === 1);
    expect(tokens[0]).toMatch(/^[\w-]{40,}$/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(execution.status).toBe('RUNNING');
    sfn.sendTaskSuccess(tokens[0], JSON.stringify({ approved: true }));
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '')).toEqual({ order: 'o-1', approval: { approved: true } });
    expect(types(execution)).toEqual(expect.arrayContaining(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']));
    // The token is spent: a second call answers TaskTimedOut, an unknown token TaskDoesNotExist.
    expect(() => sfn.sendTaskSuccess(tokens[0], '{}')).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
    expect(() => sfn.sendTaskHeartbeat('nope')).toThrow(expect.objectContaining({ code: 'TaskDoesNotExist' }));
  });

  it('gives each execution its own token', async () => {
    const { sfn, tokens, start } = subject();
    const first = start(approval, { order: 'o-1' });
    const second = start(approval, { order: 'o-2' });
    await until(() => tokens.length === 2);
    expect(tokens[0]).not.toBe(tokens[1]);
    sfn.sendTaskSuccess(tokens[1], '"second"');
    await second.done;
    expect(first.status).toBe('RUNNING');
    sfn.sendTaskSuccess(tokens[0], '"first"');
    await first.done;
    expect([JSON.parse(first.output ?? '').approval, JSON.parse(second.output ?? '').approval]).toEqual(['first', 'second']);
  });

  it('SendTaskFailure fails the task with its error and cause, which Catch routes', async () => {
    const { sfn, tokens, start } = subject();
    const execution = start(approval, { order: 'o-1' });
    await until(() => tokens.length === 1);
    sfn.sendTaskFailure(tokens[0], 'Rejected', 'too expensive');
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '')).toEqual({
      order: 'o-1',
      error: { Error: 'Rejected', Cause: 'too expensive' },
      outcome: 'refused',
    });
  });

  it('refuses output that is not JSON (InvalidOutput) and leaves the task waiting', async () => {
    const { sfn, tokens, start } = subject();
    const execution = start(approval, { order: 'o-1' });
    await until(() => tokens.length === 1);
    expect(() => sfn.sendTaskSuccess(tokens[0], 'not json')).toThrow(SfnApiError);
    expect(execution.status).toBe('RUNNING');
    sfn.stopExecution(execution.executionArn);
    await execution.done;
    expect(execution.status).toBe('ABORTED');
  });

  it('sends the SQS message with the token; heartbeats keep it alive, and without one past HeartbeatSeconds it fails', async () => {
    const { sfn, tokens, start, integration } = subject();
    const execution = start(queued, { job: 'j-1' });
    await until(() => tokens.length === 1);
    expect(integration).toHaveBeenCalledWith('sqs', 'sendMessage', {
      QueueUrl: QUEUE_URL,
      MessageBody: { TaskToken: tokens[0], job: 'j-1' },
    });
    for (let beat = 0; beat < 3; beat++) {
      await new Promise((resolve) => setTimeout(resolve, 600));
      sfn.sendTaskHeartbeat(tokens[0]);
    }
    expect(execution.status).toBe('RUNNING');
    await execution.done;
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.HeartbeatTimeout');
  }, 20_000);

  it('fails a callback task whose Parameters do not pass $$.Task.Token', async () => {
    const { start, invokeFunction } = subject();
    const execution = start(tokenless, { order: 'o-1' });
    await execution.done;
    expect(execution.status).toBe('FAILED');
    expect(execution.cause).toMatch(/must pass \$\$\.Task\.Token/);
    expect(invokeFunction).not.toHaveBeenCalled();
  });
});

describe('Step Functions nested executions (states:startExecution)', () => {
  it('.sync waits for the child and answers its DescribeExecution with Output as text', async () => {
    const { sfn, start } = subject();
    const execution = start(parentSync, { n: 21 });
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output ?? '');
    expect(output).toEqual(
      expect.objectContaining({ Status: 'SUCCEEDED', StateMachineArn: child.arn, Output: '{"doubled":42}', Input: '{"n":21}' }),
    );
    expect(sfn.describeExecution(output.ExecutionArn).status).toBe('SUCCEEDED');
  });

  it('.sync:2 answers Input and Output as JSON', async () => {
    const { start } = subject();
    const execution = start(parentSync2, { n: 2 });
    await execution.done;
    expect(JSON.parse(execution.output ?? '')).toEqual(
      expect.objectContaining({ Status: 'SUCCEEDED', Output: { doubled: 4 }, Input: { n: 2 } }),
    );
  });

  it('a child that fails fails the .sync task with States.TaskFailed and the child description as cause', async () => {
    const { start } = subject();
    const execution = start(parentSync, { n: 1, fail: true });
    await execution.done;
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.TaskFailed');
    expect(JSON.parse(execution.cause ?? '')).toEqual(
      expect.objectContaining({ Status: 'FAILED', Error: 'ChildFailed', Cause: 'asked to fail' }),
    );
  });

  it('without .sync answers the child execution ARN at once', async () => {
    const { sfn, start } = subject();
    const execution = start(parentAsync, { n: 3 });
    await execution.done;
    const output = JSON.parse(execution.output ?? '') as { ExecutionArn: string; StartDate: number };
    expect(output).toEqual({ ExecutionArn: expect.stringContaining(':execution:child:'), StartDate: expect.any(Number) });
    await sfn.describeExecution(output.ExecutionArn).done;
    expect(sfn.describeExecution(output.ExecutionArn).output).toBe('{"doubled":6}');
  });
});

describe('taskResourceEmulated (what start-up names as not emulated)', () => {
  it.each([
    ['arn:aws:lambda:us-east-1:000000000000:function:f', true],
    ['arn:aws:states:::lambda:invoke', true],
    ['arn:aws:states:::lambda:invoke.waitForTaskToken', true],
    ['arn:aws:states:::sqs:sendMessage.waitForTaskToken', true],
    ['arn:aws:states:::sns:publish.waitForTaskToken', true],
    ['arn:aws:states:::dynamodb:putItem', true],
    ['arn:aws:states:::states:startExecution', true],
    ['arn:aws:states:::states:startExecution.sync', true],
    ['arn:aws:states:::states:startExecution.sync:2', true],
    ['arn:aws:states:::states:startExecution.waitForTaskToken', true],
    ['arn:aws:states:::dynamodb:putItem.waitForTaskToken', false],
    ['arn:aws:states:::ecs:runTask.sync', false],
    ['arn:aws:states:::glue:startJobRun.sync', false],
    ['arn:aws:states:::aws-sdk:s3:getObject', false],
    ['arn:aws:states:::events:putEvents', true],
    ['arn:aws:states:::events:putEvents.waitForTaskToken', true],
    ['arn:aws:states:::events:putEvents.sync', false],
  ])('%s: %s', (resource, emulated) => {
    expect(taskResourceEmulated(resource)).toBe(emulated);
  });
});
