import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';
import type { ClientFactory } from '@shop/observability';

/**
 * How the document client converts between JavaScript and DynamoDB values:
 * `undefined` properties are dropped (optional fields), class instances such as `Date` are rejected
 * (store ISO strings) and numbers come back as plain `number` (money is integer minor units, well
 * inside the safe integer range).
 */
export const DOCUMENT_CLIENT_TRANSLATE_CONFIG: Readonly<TranslateConfig> = {
  marshallOptions: {
    removeUndefinedValues: true,
    convertClassInstanceToMap: false,
    convertEmptyValues: false,
  },
  unmarshallOptions: {
    wrapNumbers: false,
  },
};

/** Options of {@link createDocumentClient}. */
export interface DocumentClientOptions {
  /**
   * The low-level client to wrap, e.g. one already wrapped for tracing
   * (`tracer.captureAWSv3Client(new DynamoDBClient({}))`).
   * @default a new `DynamoDBClient` built from {@link DocumentClientOptions.clientConfig}
   */
  readonly client?: DynamoDBClient;
  /**
   * Configuration of the new low-level client when no `client` is given. Leave the endpoint out:
   * the SDK takes it from `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL` when set (local runs,
   * tests) and uses the regional endpoint otherwise.
   * @default {}
   */
  readonly clientConfig?: DynamoDBClientConfig;
}

/**
 * Builds a `DynamoDBDocumentClient` with the shop's marshalling options
 * ({@link DOCUMENT_CLIENT_TRANSLATE_CONFIG}). Build it once per module, outside the handler.
 * There is no local-mode switch: endpoint, region and credentials come from the standard AWS
 * environment variables and configuration chain.
 */
export const createDocumentClient = (options: DocumentClientOptions = {}): DynamoDBDocumentClient =>
  // A copy per client: the SDK writes its own defaults into the config it is given.
  DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient(options.clientConfig ?? {}), {
    marshallOptions: { ...DOCUMENT_CLIENT_TRANSLATE_CONFIG.marshallOptions },
    unmarshallOptions: { ...DOCUMENT_CLIENT_TRANSLATE_CONFIG.unmarshallOptions },
  });

/**
 * The handlers' document client, for `coldStart({ clients: { db: documentClient } })` of
 * `@shop/observability`: {@link createDocumentClient} on a `DynamoDBClient` wrapped for tracing.
 */
export const documentClient: ClientFactory<DynamoDBDocumentClient> = (tracer) =>
  createDocumentClient({ client: tracer.captureAWSv3Client(new DynamoDBClient({})) });
