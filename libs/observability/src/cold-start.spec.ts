import { awsClient, coldStart, type ClientTracer } from './cold-start';
import { envVar } from './env';
import { MissingEnvironmentVariableError } from './errors';

class FakeClient {
  constructor(readonly config: object) {}
}

const source = { POWERTOOLS_SERVICE_NAME: 'order', TABLE_NAME: 'orders-dev' };

describe('coldStart', () => {
  it("gives the handler its observability, its environment's values and its clients", () => {
    const made: unknown[] = [];
    const start = coldStart({
      env: { tableName: envVar('TABLE_NAME') },
      clients: { fake: awsClient(FakeClient), custom: (tracer: ClientTracer) => made.push(tracer) && 'custom' },
      source,
    });
    expect(start.observability.serviceName).toBe('order');
    expect(start.logger).toBe(start.observability.logger);
    expect(start.metrics).toBe(start.observability.metrics);
    expect(start.env).toEqual({ tableName: 'orders-dev' });
    expect(start.clients.fake).toBeInstanceOf(FakeClient);
    expect(start.clients.fake.config).toEqual({});
    expect(start.clients.custom).toBe('custom');
    expect(made).toEqual([start.observability.tracer]);
  });

  it('wraps every client for tracing', () => {
    const traced = new FakeClient({});
    const tracer: ClientTracer = { captureAWSv3Client: jest.fn(() => traced) as ClientTracer['captureAWSv3Client'] };
    expect(awsClient(FakeClient)(tracer)).toBe(traced);
    expect(tracer.captureAWSv3Client).toHaveBeenCalledWith(expect.any(FakeClient));
  });

  it('fails fast, with a named error, when a variable is missing (before building any client)', () => {
    const factory = jest.fn();
    expect(() => coldStart({ env: { topicArn: envVar('TOPIC_ARN') }, clients: { sns: factory }, source })).toThrow(
      new MissingEnvironmentVariableError('TOPIC_ARN'),
    );
    expect(factory).not.toHaveBeenCalled();
  });

  it('asks for nothing but the service name when given nothing', () => {
    expect(coldStart({ source: { POWERTOOLS_SERVICE_NAME: 'shipping' } })).toMatchObject({ env: {}, clients: {} });
    expect(() => coldStart({ source: {} })).toThrow(new MissingEnvironmentVariableError('POWERTOOLS_SERVICE_NAME'));
  });
});
