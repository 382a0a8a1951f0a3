import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { dynamoDbLocalEndpoint } from './environment';

/** A key: partition key attribute and optional sort key attribute (both strings). */
export interface KeyDescription {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

/** A global secondary index (projection ALL). */
export interface IndexDescription extends KeyDescription {
  readonly indexName: string;
}

/** What a test table looks like; every key attribute is a string (`S`). */
export interface TableDescription extends KeyDescription {
  /** Global secondary indexes, all with projection ALL. */
  readonly globalSecondaryIndexes?: readonly IndexDescription[];
  /** Enables a NEW_AND_OLD_IMAGES stream. */
  readonly stream?: boolean;
  /** Attribute that holds the expiry time (TTL). */
  readonly timeToLiveAttribute?: string;
}

/**
 * The shop's single-table layout (as the product table): `pk`/`sk`, GSI `gsi1` on
 * `gsi1pk`/`gsi1sk`, stream NEW_AND_OLD_IMAGES, TTL on `expiresAt`.
 */
export const SINGLE_TABLE: TableDescription = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  stream: true,
  timeToLiveAttribute: 'expiresAt',
};

/** A table created for one test file. */
export interface TestTable {
  /** Its unique name. */
  readonly tableName: string;
  /** A low-level client on DynamoDB Local (the caller may use it; {@link TestTable.delete} destroys it). */
  readonly client: DynamoDBClient;
  /** Deletes the table (idempotent) and destroys the client. */
  delete(): Promise<void>;
}

/** Options of {@link createTestTable}. */
export interface CreateTestTableOptions {
  /**
   * Prefix of the generated name (`<prefix>-<random>`).
   * @default 'test'
   */
  readonly prefix?: string;
}

/**
 * Creates a uniquely named table on DynamoDB Local and waits until it is ACTIVE.
 * @throws DynamoDbLocalNotConfiguredError when the DynamoDB Local endpoint is not in the environment
 * (so a test can never create tables in a real account).
 */
export const createTestTable = async (
  description: TableDescription = SINGLE_TABLE,
  options: CreateTestTableOptions = {},
): Promise<TestTable> => {
  const endpoint = dynamoDbLocalEndpoint();
  const client = new DynamoDBClient({ endpoint });
  const tableName = `${options.prefix ?? 'test'}-${randomUUID().slice(0, 8)}`;

  await client.send(new CreateTableCommand(createTableInput(tableName, description)));
  await waitUntilActive(client, tableName);
  if (description.timeToLiveAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: description.timeToLiveAttribute, Enabled: true },
      }),
    );
  }

  return {
    tableName,
    client,
    delete: async () => {
      try {
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      } finally {
        client.destroy();
      }
    },
  };
};

/** A {@link TestTable} that is created in `beforeAll` and deleted in `afterAll`. */
export interface TestTableHandle {
  /** The table's name; read it inside tests or hooks, not at module load. */
  readonly tableName: string;
  /** The low-level client; read it inside tests or hooks, not at module load. */
  readonly client: DynamoDBClient;
}

/** How long creating or deleting a test table may take before the hook fails. */
const TABLE_HOOK_TIMEOUT_MS = 60_000;

/**
 * Registers `beforeAll`/`afterAll` hooks that create a fresh table for the calling test file (or
 * `describe` block) and delete it afterwards. Call at the top level of a test file or describe.
 *
 * @example
 * const table = useTestTable();
 * it('stores', async () => { await repo(table.tableName).create(...) });
 */
export const useTestTable = (description: TableDescription = SINGLE_TABLE, options: CreateTestTableOptions = {}): TestTableHandle => {
  let table: TestTable | undefined;
  // CreateTable on a JVM shared by every integration project can take seconds when the machine is
  // busy (seen past Jest's 5 s default with Nx running several projects on 2 cores).
  beforeAll(async () => {
    table = await createTestTable(description, options);
  }, TABLE_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await table?.delete();
    table = undefined;
  }, TABLE_HOOK_TIMEOUT_MS);
  const current = (): TestTable => {
    if (!table) throw new Error('The test table exists only inside tests and hooks (after beforeAll).');
    return table;
  };
  return {
    get tableName() {
      return current().tableName;
    },
    get client() {
      return current().client;
    },
  };
};

/** The CreateTable input of a {@link TableDescription} (on-demand billing). */
export const createTableInput = (tableName: string, description: TableDescription) => {
  const indexes = description.globalSecondaryIndexes ?? [];
  const attributes = new Set<string>();
  for (const key of [description, ...indexes]) {
    attributes.add(key.partitionKey);
    if (key.sortKey) attributes.add(key.sortKey);
  }
  const attributeDefinitions: AttributeDefinition[] = [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributeDefinitions,
    KeySchema: keySchema(description),
    ...(indexes.length > 0 && {
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index),
        Projection: { ProjectionType: 'ALL' as const },
      })),
    }),
    ...(description.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const } }),
  };
};

const keySchema = (key: KeyDescription): KeySchemaElement[] => [
  { AttributeName: key.partitionKey, KeyType: 'HASH' },
  ...(key.sortKey ? [{ AttributeName: key.sortKey, KeyType: 'RANGE' as const }] : []),
];

const waitUntilActive = async (client: DynamoDBClient, tableName: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} is not ACTIVE after ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
