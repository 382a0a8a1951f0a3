import { eventBusArn, eventBusNameOf, functionNameOf, lambdaArn, queueArn, queueNameOf, ssmParameterArn } from '../assembly/naming';
import type { RequestedAction } from './requested-action';

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** SQS (JSON protocol): every operation on the queue its `QueueUrl` names (`sqs:SendMessageBatch` is `sqs:SendMessage`, as in AWS). */
export function sqsActions(operation: string, input: Json): RequestedAction[] {
  const url = text(input.QueueUrl);
  const batched: Record<string, string> = {
    SendMessageBatch: 'SendMessage',
    DeleteMessageBatch: 'DeleteMessage',
    ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
  };
  const action = `sqs:${batched[operation] ?? operation}`;
  if (operation === 'GetQueueUrl' || operation === 'CreateQueue') {
    const name = text(input.QueueName);
    return [{ action, resource: name ? queueArn(name) : '*' }];
  }
  return [{ action, resource: url ? queueArn(queueNameOf(url)) : '*' }];
}

/** SNS (query protocol, form body): Publish and PublishBatch are `sns:Publish` on the topic (`TopicArn` or `TargetArn`). */
export function snsActions(form: URLSearchParams): RequestedAction[] {
  const operation = form.get('Action') ?? '';
  const action = `sns:${operation === 'PublishBatch' ? 'Publish' : operation}`;
  const topic = text(form.get('TopicArn')) ?? text(form.get('TargetArn')) ?? text(form.get('ResourceArn'));
  return [{ action, resource: topic ?? '*' }];
}

/**
 * Step Functions: executions are started on their state machine's ARN; calls that name an execution
 * (Describe, Stop, GetExecutionHistory) on the execution's; task callbacks on the state machine that
 * issued the token when it is known (CDK's `grantTaskResponse` grants there), else `*`.
 */
export function stepFunctionsActions(
  operation: string,
  input: Json,
  machineOfToken?: (token: string) => string | undefined,
): RequestedAction[] {
  const action = `states:${operation}`;
  const resource =
    text(input.stateMachineArn) ??
    text(input.executionArn) ??
    (text(input.taskToken) && machineOfToken ? machineOfToken(String(input.taskToken)) : undefined) ??
    '*';
  return [{ action, resource }];
}

/** SSM: each parameter named (`parameter/<path>`); GetParametersByPath on the path itself. */
export function ssmActions(operation: string, input: Json): RequestedAction[] {
  const action = `ssm:${operation}`;
  const parameter = (name: string) => ssmParameterArn(name.replace(/:[^/:]+$/, ''));
  if (operation === 'GetParameters') {
    const names = Array.isArray(input.Names) ? input.Names.map(String) : [];
    return [...new Set(names)].map((name) => ({ action, resource: parameter(name) }));
  }
  if (operation === 'GetParametersByPath') {
    const path = text(input.Path) ?? '/';
    return [{ action, resource: ssmParameterArn(path === '/' ? '/' : path.replace(/\/$/, '')) }];
  }
  const name = text(input.Name);
  return [{ action, resource: name ? parameter(name) : '*' }];
}

/** EventBridge: PutEvents needs `events:PutEvents` on each bus its entries name (the default bus when none). */
export function eventBridgeActions(operation: string, input: Json): RequestedAction[] {
  if (operation !== 'PutEvents') return [{ action: `events:${operation}`, resource: '*' }];
  const entries = Array.isArray(input.Entries) ? (input.Entries as Json[]) : [];
  const buses = new Set(entries.map((entry) => eventBusArn(eventBusNameOf(entry?.EventBusName))));
  return [...buses].map((resource) => ({ action: 'events:PutEvents', resource }));
}

/** Lambda Invoke (REST: `POST /2015-03-31/functions/<name>/invocations`): `lambda:InvokeFunction` on the function's ARN. */
export function lambdaInvokeActions(functionNameOrArn: string): RequestedAction[] {
  return [{ action: 'lambda:InvokeFunction', resource: lambdaArn(functionNameOf(functionNameOrArn)) }];
}
