import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, documentClient, DOCUMENT_CLIENT_TRANSLATE_CONFIG } from './client';

/** A request handler that records the request instead of sending it: no network. */
interface SentRequest {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly body?: unknown;
}

const capturingHandler = () => {
  const requests: SentRequest[] = [];
  return {
    requests,
    handler: {
      handle: async (request: SentRequest): Promise<never> => {
        requests.push(request);
        throw new Error('not sent');
      },
    },
  };
};

const offline = { region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 };

describe('createDocumentClient', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_DYNAMODB, with no code path of its own', async () => {
    process.env['AWS_ENDPOINT_URL_DYNAMODB'] = 'http://127.0.0.1:45678';
    const { requests, handler } = capturingHandler();
    const client = createDocumentClient({
      clientConfig: { ...offline, requestHandler: handler },
    });

    await expect(client.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))).rejects.toThrow('not sent');

    expect(requests[0]).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', port: 45678 });
  });

  it('uses the regional endpoint when no endpoint variable is set', async () => {
    delete process.env['AWS_ENDPOINT_URL_DYNAMODB'];
    delete process.env['AWS_ENDPOINT_URL'];
    const { requests, handler } = capturingHandler();
    const client = createDocumentClient({
      clientConfig: { ...offline, requestHandler: handler },
    });

    await expect(client.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))).rejects.toThrow('not sent');

    expect(requests[0]).toMatchObject({ protocol: 'https:', hostname: 'dynamodb.eu-west-1.amazonaws.com' });
  });

  it('drops undefined attributes when marshalling', async () => {
    const { requests, handler } = capturingHandler();
    const client = createDocumentClient({ clientConfig: { ...offline, requestHandler: handler } });

    await expect(client.send(new PutCommand({ TableName: 't', Item: { pk: 'a', note: undefined } }))).rejects.toThrow('not sent');

    expect(JSON.parse(new TextDecoder().decode(requests[0]?.body as Uint8Array))).toEqual({ TableName: 't', Item: { pk: { S: 'a' } } });
  });

  it('refuses class instances such as Date (store ISO strings instead)', async () => {
    const { requests, handler } = capturingHandler();
    const client = createDocumentClient({ clientConfig: { ...offline, requestHandler: handler } });

    await expect(client.send(new PutCommand({ TableName: 't', Item: { pk: 'a', at: new Date(0) } }))).rejects.toThrow(
      /convertClassInstanceToMap/,
    );
    expect(requests).toEqual([]);
  });

  it('leaves the shared translate configuration untouched', () => {
    createDocumentClient({ clientConfig: offline });

    expect(DOCUMENT_CLIENT_TRANSLATE_CONFIG).toEqual({
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false, convertEmptyValues: false },
      unmarshallOptions: { wrapNumbers: false },
    });
  });
});

describe('documentClient', () => {
  it("is the shop's document client on a DynamoDBClient the tracer wrapped", () => {
    const captured: unknown[] = [];
    const client = documentClient({ captureAWSv3Client: <T>(c: T): T => (captured.push(c), c) });
    expect(client).toBeInstanceOf(DynamoDBDocumentClient);
    expect(captured).toEqual([expect.any(DynamoDBClient)]);
    expect(client.config.translateConfig).toEqual(DOCUMENT_CLIENT_TRANSLATE_CONFIG);
  });
});
