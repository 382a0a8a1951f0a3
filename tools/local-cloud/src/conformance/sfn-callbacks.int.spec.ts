/**
 * Conformance: Step Functions callbacks and nested executions in a CDK app written here. A state
 * machine asks a function for an approval (`lambda:invoke.waitForTaskToken`: the function answers
 * with SendTaskSuccess or SendTaskFailure through the local SFN endpoint), hands a job to a queue
 * (`sqs:sendMessage.waitForTaskToken`: a queue consumer answers), then runs a child state machine
 * (`states:startExecution.sync:2`) and announces it (`events:putEvents`). Journey: a good order goes through all three with their results
 * in the output; a bad one fails with the error the function sent.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { LOCAL_ACCESS_KEY_ID, readControlSecret } from '../control-plane/secret';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

/** Approves any order but "bad" (SendTaskFailure Rejected), through AWS_ENDPOINT_URL_SFN. */
const APPROVER = `
const { SFNClient, SendTaskSuccessCommand, SendTaskFailureCommand } = require('@aws-sdk/client-sfn');
const client = new SFNClient({});
exports.handler = async (event) => {
  if (event.order === 'bad') {
    await client.send(new SendTaskFailureCommand({ taskToken: event.token, error: 'Rejected', cause: 'bad order' }));
  } else {
    await client.send(new SendTaskSuccessCommand({ taskToken: event.token, output: JSON.stringify({ approved: event.order }) }));
  }
  return 'answered';
};`;

/** Works the queued jobs: a heartbeat, then SendTaskSuccess with the job done. */
const WORKER = `
const { SFNClient, SendTaskHeartbeatCommand, SendTaskSuccessCommand } = require('@aws-sdk/client-sfn');
const client = new SFNClient({});
exports.handler = async (event) => {
  for (const record of event.Records) {
    const { token, job } = JSON.parse(record.body);
    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ done: job }) }));
  }
};`;

let cloud: BuiltCloud;
let client: SFNClient;
let parentArn: string;

async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-sfn-callbacks'), 'callbacks', (app) => {
    const stack = new Stack(app, 'CallbacksStack', { stackName: 'callbacks' });
    const approver = new lambda.Function(stack, 'Approver', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(APPROVER),
    });
    const jobs = new sqs.Queue(stack, 'Jobs');
    const worker = new lambda.Function(stack, 'Worker', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(WORKER),
    });
    worker.addEventSource(new SqsEventSource(jobs));
    const child = new sfn.StateMachine(stack, 'Child', {
      stateMachineName: 'callbacks-child',
      definitionBody: sfn.DefinitionBody.fromChainable(
        new sfn.Pass(stack, 'Double', { parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' } }),
      ),
    });
    const ask = new tasks.LambdaInvoke(stack, 'Ask', {
      lambdaFunction: approver,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken, order: sfn.JsonPath.stringAt('$.order') }),
      resultPath: '$.approval',
    });
    const enqueue = new tasks.SqsSendMessage(stack, 'Enqueue', {
      queue: jobs,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      messageBody: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken, job: sfn.JsonPath.stringAt('$.order') }),
      heartbeatTimeout: sfn.Timeout.duration(Duration.seconds(30)),
      resultPath: '$.job',
    });
    const runChild = new tasks.StepFunctionsStartExecution(stack, 'RunChild', {
      stateMachine: child,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      input: sfn.TaskInput.fromObject({ n: 21 }),
      resultSelector: { 'output.$': '$.Output', 'status.$': '$.Status' },
      resultPath: '$.child',
    });
    const announce = new tasks.EventBridgePutEvents(stack, 'Announce', {
      entries: [
        {
          detail: sfn.TaskInput.fromObject({ 'order.$': '$.order' }),
          detailType: 'OrderApproved',
          source: 'callbacks.demo',
        },
      ],
      resultSelector: { 'failed.$': '$.FailedEntryCount', 'entries.$': '$.Entries' },
      resultPath: '$.announced',
    });
    const parent = new sfn.StateMachine(stack, 'Parent', {
      stateMachineName: 'callbacks-parent',
      definitionBody: sfn.DefinitionBody.fromChainable(ask.next(enqueue).next(runChild).next(announce)),
    });
    // The callbacks need states:SendTask* on the parent (IAM is enforced, as in AWS). The approver's
    // grant names the parent by its ARN built from its name: `grantTaskResponse(approver)` would
    // reference the parent, which references the approver (a dependency cycle CloudFormation refuses).
    approver.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
        resources: [
          stack.formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: 'callbacks-parent',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    parent.grantTaskResponse(worker);
  });
  cloud = await startBuiltCloud({ assemblies: root, args: ['--no-prewarm'] });
  const { stateMachines } = await cloud.local<{ stateMachines: { name: string; arn: string }[] }>('/_local/resources');
  parentArn = String(stateMachines.find((machine) => machine.name === 'callbacks-parent')?.arn);
  client = new SFNClient({
    endpoint: `${cloud.base}/_aws/sfn`,
    region: 'us-east-1',
    credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(cloud.stateDir) },
  });
}, 90_000);

afterAll(async () => {
  client?.destroy();
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: Step Functions .waitForTaskToken (Lambda, SQS) and a nested .sync:2 execution', () => {
  it('names no Task as not emulated, at start-up or in /_local/resources', async () => {
    const { stateMachines } = await cloud.local<{ stateMachines: { name: string; notEmulatedTasks?: unknown[] }[] }>('/_local/resources');
    expect(stateMachines.map((machine) => [machine.name, machine.notEmulatedTasks ?? []]).sort()).toEqual([
      ['callbacks-child', []],
      ['callbacks-parent', []],
    ]);
    expect(cloud.output()).not.toMatch(/is not emulated locally/);
  });

  it('a good order: approved by the function, worked by the queue consumer, doubled by the child state machine', async () => {
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: parentArn, input: JSON.stringify({ order: 'o-1' }) }),
    );
    const described = await finished(String(executionArn));
    expect([described.status, described.error, described.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(JSON.parse(described.output ?? '')).toEqual({
      order: 'o-1',
      approval: { approved: 'o-1' },
      job: { done: 'o-1' },
      child: { output: { doubled: 42 }, status: 'SUCCEEDED' },
      announced: { failed: 0, entries: [{ EventId: expect.any(String) }] },
    });
  });

  it('a bad order: the execution fails with the error and cause SendTaskFailure gave', async () => {
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: parentArn, input: JSON.stringify({ order: 'bad' }) }),
    );
    const described = await finished(String(executionArn));
    expect([described.status, described.error, described.cause]).toEqual(['FAILED', 'Rejected', 'bad order']);
  });
});
