import { Readable } from 'node:stream';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { HttpAnswer } from '../api/gateway';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { accessDeniedAnswer, awsErrorAnswer } from './aws-errors';

/**
 * The answers go through the real SDK clients' deserializers and retry strategy: a request
 * handler stands in for the network and answers with the front door's body.
 */
const answering = (answers: HttpAnswer[]) => {
  const seen: number[] = [];
  return {
    seen,
    requestHandler: {
      handle: async () => {
        const answer = answers[Math.min(seen.length, answers.length - 1)];
        seen.push(answer.statusCode);
        return {
          response: {
            statusCode: answer.statusCode,
            headers: Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
            body: Readable.from([Buffer.from(answer.body as string)]),
          },
        };
      },
    },
  };
};

// Two attempts: a retryable error is sent once more (the SDK's retry strategy knows the code), any other is not.
const config = (handler: ReturnType<typeof answering>, maxAttempts = 2) => ({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9/_aws',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts,
  requestHandler: handler.requestHandler as never,
});

/** The error the client throws after its one retry, and what the server saw. */
const failure = async (handler: ReturnType<typeof answering>, send: () => Promise<unknown>) => {
  try {
    await send();
  } catch (error) {
    const { name, $metadata, message } = error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
    return { name, status: $metadata.httpStatusCode, attempts: handler.seen.length, message };
  }
  throw new Error('the call succeeded');
};

const putItem = new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } });
const sendMessage = new SendMessageCommand({ QueueUrl: 'http://127.0.0.1:9/_aws/000000000000/q', MessageBody: 'x' });
const publish = new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'x' });

describe('AWS error answers, read by the SDK clients', () => {
  it.each([
    ['throttle', { name: 'ProvisionedThroughputExceededException', status: 400, attempts: 2 }],
    ['unavailable', { name: 'InternalServerError', status: 500, attempts: 2 }],
  ] as const)('DynamoDB (JSON 1.0) %s: the modelled error, retried', async (error, expected) => {
    const handler = answering([awsErrorAnswer('dynamodb', error)]);
    expect(await failure(handler, () => new DynamoDBClient(config(handler)).send(putItem))).toMatchObject(expected);
  });

  it.each([
    ['throttle', { name: 'RequestThrottled', status: 400, attempts: 2 }],
    ['unavailable', { name: 'InternalFailure', status: 500, attempts: 2 }],
  ] as const)('SQS (query-compatible JSON 1.0) %s: the modelled error, retried', async (error, expected) => {
    const handler = answering([awsErrorAnswer('sqs', error)]);
    expect(await failure(handler, () => new SQSClient(config(handler)).send(sendMessage))).toMatchObject(expected);
  });

  it.each([
    ['throttle', { name: 'Throttling', status: 400, attempts: 2 }],
    ['unavailable', { name: 'ServiceUnavailable', status: 503, attempts: 2 }],
  ] as const)('SNS (query protocol, XML) %s: the error code, retried', async (error, expected) => {
    const handler = answering([awsErrorAnswer('sns', error)]);
    expect(await failure(handler, () => new SNSClient(config(handler)).send(publish))).toMatchObject(expected);
  });

  it('an error the SDK does not retry is sent once (the control for the attempts above)', async () => {
    const handler = answering([
      {
        statusCode: 400,
        headers: { 'Content-Type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ValidationException', message: 'no' }),
      },
    ]);
    expect(await failure(handler, () => new DynamoDBClient(config(handler)).send(putItem))).toMatchObject({
      name: 'ValidationException',
      status: 400,
      attempts: 1,
    });
  });

  it('is retried by the SDK, which succeeds once the fault is spent', async () => {
    const ok: HttpAnswer = { statusCode: 200, headers: { 'Content-Type': 'application/x-amz-json-1.0' }, body: '{}' };
    const handler = answering([awsErrorAnswer('dynamodb', 'unavailable'), awsErrorAnswer('dynamodb', 'unavailable'), ok]);
    const result = await new DynamoDBClient(config(handler, 3)).send(putItem);
    expect([result.$metadata.attempts, handler.seen]).toEqual([3, [500, 500, 200]]);
  });
});

describe('AccessDenied answers, read by the SDK clients', () => {
  const MESSAGE =
    'User: arn:aws:sts::000000000000:assumed-role/r/f is not authorized to perform: x:Y on resource: arn:z because no identity-based policy allows the x:Y action';
  it.each([
    [
      'dynamodb',
      () => (handler: ReturnType<typeof answering>) => new DynamoDBClient(config(handler)).send(putItem),
      'AccessDeniedException',
      400,
    ],
    ['sqs', () => (handler: ReturnType<typeof answering>) => new SQSClient(config(handler)).send(sendMessage), 'AccessDenied', 403],
    [
      'sns',
      () => (handler: ReturnType<typeof answering>) => new SNSClient(config(handler)).send(publish),
      'AuthorizationErrorException',
      403,
    ],
    [
      'sfn',
      () => (handler: ReturnType<typeof answering>) =>
        new SFNClient(config(handler)).send(new StartExecutionCommand({ stateMachineArn: 'arn:m' })),
      'AccessDeniedException',
      400,
    ],
    [
      'ssm',
      () => (handler: ReturnType<typeof answering>) => new SSMClient(config(handler)).send(new GetParameterCommand({ Name: '/p' })),
      'AccessDeniedException',
      400,
    ],
    [
      'events',
      () => (handler: ReturnType<typeof answering>) =>
        new EventBridgeClient(config(handler)).send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })),
      'AccessDeniedException',
      400,
    ],
    [
      'lambda',
      () => (handler: ReturnType<typeof answering>) => new LambdaClient(config(handler)).send(new InvokeCommand({ FunctionName: 'f' })),
      'AccessDeniedException',
      403,
    ],
  ] as const)('%s: the SDK throws %s (HTTP %d) with the message, not retried', async (protocol, client, name, status) => {
    const handler = answering([accessDeniedAnswer(protocol, MESSAGE)]);
    expect(await failure(handler, () => client()(handler))).toEqual({ name, status, attempts: 1, message: MESSAGE });
  });
});
