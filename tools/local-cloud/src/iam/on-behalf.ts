import { randomUUID } from 'node:crypto';
import { functionNameOf, lambdaArn, queueArn, queueNameOf } from '../assembly/naming';
import type { EventTargetDef, RuleDef } from '../assembly/model';
import type { TaskRefusal } from '../sfn/step-functions';
import { dynamodbActions, streamResource } from './dynamodb-actions';
import type { IamGate } from './gate';
import type { RequestedAction } from './requested-action';
import { eventBridgeActions } from './service-actions';
import type { IamDecision, IamPrincipal } from './types';

/**
 * The permissions a state machine's role needs for one Task: `lambda:InvokeFunction` on the
 * function, `sns:Publish` on the topic, `sqs:SendMessage` on the queue, DynamoDB's item action on
 * the table, `events:PutEvents` on each bus, `states:StartExecution` on a nested state machine.
 */
export function stateMachineTaskActions(service: string, action: string, parameters: Record<string, unknown>): RequestedAction[] {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  switch (service) {
    case 'lambda':
      return [{ action: 'lambda:InvokeFunction', resource: lambdaArn(functionNameOf(text(parameters.FunctionName))) }];
    case 'sns':
      return [{ action: 'sns:Publish', resource: text(parameters.TopicArn) || text(parameters.TargetArn) || '*' }];
    case 'sqs':
      return [{ action: 'sqs:SendMessage', resource: queueArn(queueNameOf(text(parameters.QueueUrl))) }];
    case 'dynamodb':
      return dynamodbActions(`${action.charAt(0).toUpperCase()}${action.slice(1)}`, parameters);
    case 'events':
      return eventBridgeActions('PutEvents', parameters);
    case 'states':
      return [{ action: `states:${action.charAt(0).toUpperCase()}${action.slice(1)}`, resource: text(parameters.StateMachineArn) || '*' }];
    default:
      return [];
  }
}

/**
 * The error a Task reports when its role may not make the call: Step Functions passes on the
 * service's AccessDenied as `<Service>.<SDK exception>` with the service's message and its
 * `(Service: ...; Status Code: 403; Error Code: AccessDeniedException; Request ID: ...)` suffix, e.g.
 * `Lambda.AWSLambdaException` (https://github.com/awslabs/aws-deployment-framework/issues/460,
 * https://github.com/aws-samples/lambda-refarch-imagerecognition/issues/19).
 */
const TASK_ERRORS: Record<string, { error: string; service: string; code: string }> = {
  lambda: { error: 'Lambda.AWSLambdaException', service: 'AWSLambda', code: 'AccessDeniedException' },
  sns: { error: 'SNS.AuthorizationErrorException', service: 'AmazonSNS', code: 'AuthorizationError' },
  sqs: { error: 'SQS.AmazonSQSException', service: 'AmazonSQS', code: 'AccessDenied' },
  dynamodb: { error: 'DynamoDB.AmazonDynamoDBException', service: 'AmazonDynamoDBv2', code: 'AccessDeniedException' },
  events: { error: 'EventBridge.AmazonEventBridgeException', service: 'AmazonEventBridge', code: 'AccessDeniedException' },
  states: { error: 'StepFunctions.AWSStepFunctionsException', service: 'AWSStepFunctions', code: 'AccessDeniedException' },
};

/** The Task failure for a refused call of `service` (see TASK_ERRORS). */
export function taskRefusal(service: string, message: string): TaskRefusal {
  const shape = TASK_ERRORS[service] ?? { error: 'States.TaskFailed', service, code: 'AccessDeniedException' };
  const status = shape.service === 'AmazonDynamoDBv2' || shape.service === 'AWSStepFunctions' ? 400 : 403;
  return {
    error: shape.error,
    cause: `${message} (Service: ${shape.service}; Status Code: ${status}; Error Code: ${shape.code}; Request ID: ${randomUUID()}; Proxy: null)`,
  };
}

/**
 * Step Functions' check: the state machine's role (from the templates) must allow each permission
 * the Task needs. A machine whose role the templates do not name is refused, as AWS would not run it.
 */
export function stateMachineAuthorizer(gate: IamGate) {
  return (stateMachineArn: string, service: string, action: string, parameters: Record<string, unknown>): TaskRefusal | undefined => {
    if (!gate.active) return undefined;
    const requested = stateMachineTaskActions(service, action, parameters);
    if (!requested.length) return undefined;
    const principal = gate.stateMachinePrincipal(stateMachineArn);
    const who = `state machine ${stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1)}`;
    if (!principal) {
      const refusal = gate.refuseUnknown(who, requested[0], 'its role is not one the templates describe');
      return refusal && taskRefusal(service, refusal.message);
    }
    const refusal = gate.check(principal, requested, who);
    return refusal && taskRefusal(service, refusal.message);
  };
}

/** A call an AWS service makes for a resource (an API invoking a function, a topic delivering to a queue, a rule to a target). */
export interface ServiceCall {
  service: 'apigateway.amazonaws.com' | 'sns.amazonaws.com' | 'events.amazonaws.com';
  sourceArn: string;
  action: string;
  resource: string;
}

/**
 * Asks whether the service may make the call: a resource-based policy (`AWS::Lambda::Permission`,
 * `AWS::SQS::QueuePolicy`, `AWS::SNS::TopicPolicy`) must allow the service principal with that
 * SourceArn. Logged as every denial; undefined when allowed (or only warned about, or IAM is off).
 */
export function serviceCallRefusal(gate: IamGate, call: ServiceCall): { message: string; decision: IamDecision } | undefined {
  if (!gate.active) return undefined;
  const principal: IamPrincipal = { kind: 'service', service: call.service, sourceArn: call.sourceArn };
  const refusal = gate.check(principal, [{ action: call.action, resource: call.resource }], `${call.service} for ${call.sourceArn}`);
  return refusal && { message: refusal.message, decision: refusal.decision };
}

/** What a rule's target needs from its resource policy, by kind (a state machine target runs with the target's role instead). */
const TARGET_ACTIONS: Partial<Record<EventTargetDef['kind'], (arn: string) => { action: string; resource: string }>> = {
  lambda: (arn) => ({ action: 'lambda:InvokeFunction', resource: lambdaArn(functionNameOf(arn)) }),
  sqs: (arn) => ({ action: 'sqs:SendMessage', resource: arn }),
  sns: (arn) => ({ action: 'sns:Publish', resource: arn }),
};

/** Why EventBridge may not deliver to a rule's target (its resource policy does not allow the rule), or undefined. */
export function eventTargetRefusal(gate: IamGate, rule: RuleDef, target: EventTargetDef): string | undefined {
  const needs = TARGET_ACTIONS[target.kind];
  if (!needs) return undefined;
  return serviceCallRefusal(gate, { service: 'events.amazonaws.com', sourceArn: rule.arn, ...needs(target.arn) })?.message;
}

/**
 * Why Lambda may not poll an event source for a function: its execution role must allow reading
 * the queue (`sqs:ReceiveMessage`, `DeleteMessage`, `GetQueueAttributes`) or the stream
 * (`dynamodb:DescribeStream`, `GetShardIterator`, `GetRecords`, and `ListStreams`), as
 * CreateEventSourceMapping checks in AWS. Undefined when it may (or IAM is off or only warns).
 */
export function eventSourceMappingRefusal(
  gate: IamGate,
  mapping: { functionName: string; eventSourceArn: string; kind: string },
): string | undefined {
  if (!gate.active) return undefined;
  const requested: RequestedAction[] =
    mapping.kind === 'sqs'
      ? ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'].map((action) => ({
          action: `sqs:${action}`,
          resource: mapping.eventSourceArn,
        }))
      : mapping.kind === 'dynamodb-stream'
        ? [
            ...['DescribeStream', 'GetShardIterator', 'GetRecords'].map((action) => ({
              action: `dynamodb:${action}`,
              resource: streamResource(mapping.eventSourceArn),
            })),
            { action: 'dynamodb:ListStreams', resource: '*' },
          ]
        : [];
  if (!requested.length) return undefined;
  const principal = gate.functionPrincipal(mapping.functionName);
  const who = `event source mapping of ${mapping.functionName}`;
  const refusal = principal
    ? gate.check(principal, requested, who)
    : gate.refuseUnknown(who, requested[0], 'the function has no role the templates describe');
  return refusal?.message;
}
