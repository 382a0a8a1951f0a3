import { randomUUID } from 'node:crypto';
import { PublishCommand, type MessageAttributeValue as SnsAttribute } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { AwsJsonError } from '../emulators/aws-json-client';
import type { DynamoDbLocal } from '../emulators/dynamodb-local';
import type { Messaging } from '../emulators/messaging';
import { SfnApiError, type StepFunctions } from '../sfn/step-functions';

/** What an AWS service answered an integration request: its status and JSON body, as API Gateway receives them. */
export interface ServiceAnswer {
  statusCode: number;
  body: string;
}

/** The request a `Type: AWS` integration sends, after its template and parameters. */
export interface ServiceRequest {
  service: string;
  action?: string;
  path?: string;
  body: string;
  /** `integration.request.querystring.*`. */
  querystring: Record<string, string>;
}

export interface AwsServiceEmulators {
  messaging(): Promise<Pick<Messaging, 'sns' | 'sqs' | 'endpoint'>>;
  dynamodb(): Promise<Pick<DynamoDbLocal, 'call'>>;
  sfn(): StepFunctions;
}

/** The services and actions {@link awsServiceCaller} serves (named at start-up for any other). */
export const EMULATED_SERVICE_ACTIONS: Record<string, string[]> = {
  sns: ['Publish'],
  sqs: ['SendMessage'],
  states: ['StartExecution', 'StartSyncExecution'],
  dynamodb: ['PutItem', 'GetItem', 'Query', 'UpdateItem', 'DeleteItem', 'Scan'],
};

const json = (statusCode: number, body: unknown): ServiceAnswer => ({ statusCode, body: JSON.stringify(body) });
const queryError = (code: string, message: string, statusCode = 400) =>
  json(statusCode, { Error: { Code: code, Message: message, Type: 'Sender' }, RequestId: randomUUID() });

/** The action of a request: the Uri's `action/X`, else the form body's or query string's `Action`. */
export function actionOf(request: ServiceRequest, form: URLSearchParams): string | undefined {
  return request.action ?? form.get('Action') ?? request.querystring.Action ?? undefined;
}

/** SNS `MessageAttributes.entry.N.Name/Value.DataType/Value.StringValue` of a query-protocol call. */
function snsAttributes(params: URLSearchParams): Record<string, SnsAttribute> | undefined {
  const attributes: Record<string, SnsAttribute> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    attributes[params.get(`${prefix}.Name`) as string] = {
      DataType: params.get(`${prefix}.Value.DataType`) ?? 'String',
      StringValue: params.get(`${prefix}.Value.StringValue`) ?? undefined,
    };
  }
  return Object.keys(attributes).length ? attributes : undefined;
}

/**
 * Sends a `Type: AWS` integration's request to the local emulator of its service, and answers as
 * the service answers API Gateway (JSON): SNS `Publish` and SQS `SendMessage` (query protocol:
 * form body or query string, the queue from the Uri's `path/<account>/<queue>` or `QueueUrl`),
 * Step Functions `StartExecution` / `StartSyncExecution` and DynamoDB's item and query calls
 * (JSON protocol: the body is the call's input). Anything else answers 400 naming it.
 */
export function awsServiceCaller(emulators: AwsServiceEmulators): (request: ServiceRequest) => Promise<ServiceAnswer> {
  return async (request) => {
    const form = new URLSearchParams(request.body);
    for (const [key, value] of Object.entries(request.querystring)) if (!form.has(key)) form.set(key, value);
    const action = actionOf(request, form);
    const requestId = randomUUID();
    if (request.service === 'sns' && action === 'Publish') {
      const { sns } = await emulators.messaging();
      try {
        const result = await sns.send(
          new PublishCommand({
            TopicArn: form.get('TopicArn') ?? undefined,
            TargetArn: form.get('TargetArn') ?? undefined,
            Message: form.get('Message') ?? undefined,
            Subject: form.get('Subject') ?? undefined,
            MessageGroupId: form.get('MessageGroupId') ?? undefined,
            MessageDeduplicationId: form.get('MessageDeduplicationId') ?? undefined,
            MessageAttributes: snsAttributes(form),
          }),
        );
        return json(200, {
          PublishResponse: {
            PublishResult: { MessageId: result.MessageId, SequenceNumber: result.SequenceNumber ?? null },
            ResponseMetadata: { RequestId: requestId },
          },
        });
      } catch (error) {
        return queryError((error as Error).name, (error as Error).message);
      }
    }
    if (request.service === 'sqs' && action === 'SendMessage') {
      const messaging = await emulators.messaging();
      const queuePath = request.path?.replace(/^\/+/, '') || form.get('QueueUrl')?.replace(/^https?:\/\/[^/]+\/(?:_aws\/sqs\/)?/, '');
      if (!queuePath) return queryError('MissingParameter', 'The request must contain the parameter QueueUrl.');
      try {
        const result = await messaging.sqs.send(
          new SendMessageCommand({
            QueueUrl: `${messaging.endpoint}/${queuePath}`,
            MessageBody: form.get('MessageBody') ?? undefined,
            DelaySeconds: form.has('DelaySeconds') ? Number(form.get('DelaySeconds')) : undefined,
            MessageGroupId: form.get('MessageGroupId') ?? undefined,
            MessageDeduplicationId: form.get('MessageDeduplicationId') ?? undefined,
          }),
        );
        return json(200, {
          SendMessageResponse: {
            SendMessageResult: {
              MD5OfMessageAttributes: null,
              MD5OfMessageBody: result.MD5OfMessageBody,
              MessageId: result.MessageId,
              SequenceNumber: result.SequenceNumber ?? null,
            },
            ResponseMetadata: { RequestId: requestId },
          },
        });
      } catch (error) {
        return queryError((error as Error).name, (error as Error).message);
      }
    }
    if (request.service === 'states' && (action === 'StartExecution' || action === 'StartSyncExecution')) {
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(request.body || '{}') as Record<string, unknown>;
      } catch (error) {
        return json(400, { __type: 'SerializationException', message: (error as Error).message });
      }
      try {
        const execution = emulators.sfn().startExecution({
          stateMachineArn: String(input.stateMachineArn),
          name: input.name as string | undefined,
          input: typeof input.input === 'string' ? input.input : input.input === undefined ? undefined : JSON.stringify(input.input),
        });
        const startDate = execution.startDate.getTime() / 1000;
        if (action === 'StartExecution') return json(200, { executionArn: execution.executionArn, startDate });
        await execution.done;
        return json(200, {
          executionArn: execution.executionArn,
          stateMachineArn: execution.stateMachineArn,
          name: execution.name,
          status: execution.status,
          startDate,
          stopDate: execution.stopDate ? execution.stopDate.getTime() / 1000 : undefined,
          input: execution.input,
          ...(execution.output !== undefined ? { output: execution.output } : {}),
          ...(execution.error !== undefined ? { error: execution.error, cause: execution.cause } : {}),
        });
      } catch (error) {
        if (error instanceof SfnApiError) return json(400, { __type: error.code, message: error.message });
        throw error;
      }
    }
    if (request.service === 'dynamodb' && action && EMULATED_SERVICE_ACTIONS.dynamodb.includes(action)) {
      const dynamodb = await emulators.dynamodb();
      let input: unknown;
      try {
        input = JSON.parse(request.body || '{}');
      } catch (error) {
        return json(400, { __type: 'com.amazon.coral.service#SerializationException', message: (error as Error).message });
      }
      try {
        return json(200, await dynamodb.call(action, input));
      } catch (error) {
        if (error instanceof AwsJsonError)
          return json(error.statusCode, {
            __type: `com.amazonaws.dynamodb.v20120810#${error.code}`,
            message: error.message.replace(/^[^:]+: /, ''),
          });
        throw error;
      }
    }
    return json(400, {
      __type: 'UnknownOperationException',
      message: `${request.service} ${action ?? request.path ?? ''} is not emulated by the local cloud's API Gateway (it serves ${Object.entries(
        EMULATED_SERVICE_ACTIONS,
      )
        .map(([service, actions]) => `${service}: ${actions.join(', ')}`)
        .join('; ')})`,
    });
  };
}
