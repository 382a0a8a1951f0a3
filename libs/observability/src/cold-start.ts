import type { Tracer } from '@aws-lambda-powertools/tracer';
import { readEnv, type EnvSpec, type EnvValues } from './env';
import { createObservability, type Observability, type ObservabilityOptions } from './observability';

/** What a client factory may use of the tracer: wrapping an AWS SDK v3 client. */
export type ClientTracer = Pick<Tracer, 'captureAWSv3Client'>;

/** Builds one client of a handler, wrapped for tracing (see {@link awsClient}; `@shop/dynamodb` has `documentClient`). */
export type ClientFactory<T> = (tracer: ClientTracer) => T;

/** The clients a handler asks for, by the key it uses them by. */
export type ClientFactories = Readonly<Record<string, ClientFactory<unknown>>>;

/** The clients built from {@link ClientFactories}, by key. */
export type Clients<C extends ClientFactories> = { readonly [K in keyof C]: ReturnType<C[K]> };

/**
 * An AWS SDK v3 client of the default configuration (region, endpoint and credentials from the
 * standard environment and configuration chain), wrapped for tracing: `awsClient(SNSClient)`.
 */
export const awsClient =
  <T>(Client: new (config: Record<string, never>) => T): ClientFactory<T> =>
  (tracer) =>
    tracer.captureAWSv3Client(new Client({}));

/** Options of {@link coldStart}. */
export interface ColdStartOptions<E extends EnvSpec, C extends ClientFactories> {
  /** The variables the function reads, from its service's env module (`pickEnv(SERVICE_ENV, ...)`). @default none */
  readonly env?: E;
  /** The clients the function uses. @default none */
  readonly clients?: C;
  /** The environment to read, for tests. @default process.env */
  readonly source?: NodeJS.ProcessEnv;
  /** @see ObservabilityOptions.serviceName */
  readonly serviceName?: ObservabilityOptions['serviceName'];
}

/** What a handler gets at cold start. */
export interface ColdStart<E extends EnvSpec, C extends ClientFactories> {
  /** Logger, tracer and metrics, for `withObservability(fn, { observability })`. */
  readonly observability: Observability;
  /** The observability's logger, for the function's dependencies. */
  readonly logger: Observability['logger'];
  /** The observability's metrics, for the function's dependencies. */
  readonly metrics: Observability['metrics'];
  /** The typed values of the variables asked for. */
  readonly env: EnvValues<E>;
  /** The clients asked for, wrapped for tracing. */
  readonly clients: Clients<C>;
}

/**
 * A handler's cold start in one call, at module scope: its observability
 * ({@link createObservability}), the values of its environment variables ({@link readEnv}: a
 * missing or bad one fails the init with a named error) and its clients, each built once and
 * wrapped for tracing.
 *
 * @example
 * const { observability, logger, metrics, env, clients } = coldStart({
 *   env: pickEnv(ORDER_ENV, 'tableName'),
 *   clients: { db: documentClient, sns: awsClient(SNSClient) },
 * });
 * export const handler = withObservability(createX({ orders: new DynamoOrderRepository(clients.db, env.tableName), logger, metrics }), { observability });
 */
export const coldStart = <E extends EnvSpec = Record<never, never>, C extends ClientFactories = Record<never, never>>(
  options: ColdStartOptions<E, C> = {},
): ColdStart<E, C> => {
  const observability = createObservability({ env: options.source, serviceName: options.serviceName });
  const env = readEnv(options.env ?? ({} as E), options.source);
  const clients = Object.fromEntries(
    Object.entries(options.clients ?? {}).map(([key, create]) => [key, create(observability.tracer)]),
  ) as Clients<C>;
  return { observability, logger: observability.logger, metrics: observability.metrics, env, clients };
};
