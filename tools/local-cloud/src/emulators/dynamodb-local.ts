import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { answersAsDynamoDbLocal, PidFileInUseError, spawnDynamoDbLocal, type DynamoDbLocalProcess } from '@shop/emulators';
import type { TableDef } from '../assembly/model';
import type { Logger } from '../log';
import { awsJsonCall, AwsJsonError } from './aws-json-client';

const TARGET = 'DynamoDB_20120810';
const STREAMS_TARGET = 'DynamoDBStreams_20120810';

export interface DynamoDbLocalOptions {
  port: number;
  /** Extra JVM options (start-up and memory tuning). */
  jvmOptions: string;
  /** The local cloud's state folder: the pid is kept there (`dynamodb-local.pid`), so that a run killed with SIGKILL has its Java process reaped next time. */
  stateDir: string;
  /** Keep the data in `<dataDir>/dynamodb` instead of in memory (`--persist`). */
  dataDir?: string;
  logger: Logger;
}

interface TableDescription {
  TableName: string;
  LatestStreamArn?: string;
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: string };
  GlobalSecondaryIndexes?: { IndexName: string }[];
  KeySchema: { AttributeName: string; KeyType: string }[];
}

/** The access key of the calls to a DynamoDB Local of the local cloud's own, which keeps one database for every key (`-sharedDb`). */
export const OWN_DYNAMODB_ACCESS_KEY_ID = 'local';

/**
 * DynamoDB Local in memory (or in the data folder, `--persist`) with one shared database, on 127.0.0.1:<port> (the process is
 * @shop/emulators' launcher, the one the tests use), and the calls the local cloud makes to it:
 * tables as a template declares them, streams. Needs Java 17+.
 *
 * Or one that runs already ({@link DynamoDbLocal.external}, `LOCAL_CLOUD_DYNAMODB_ENDPOINT`): then every call
 * carries an access key of this local cloud's own, so that a DynamoDB Local without `-sharedDb`, which keeps one
 * database per access key and region, keeps this cloud's tables apart from those of other clouds using it.
 */
export class DynamoDbLocal {
  readonly endpoint: string;

  private constructor(
    private readonly jvm: DynamoDbLocalProcess | undefined,
    private readonly options: Pick<DynamoDbLocalOptions, 'logger'>,
    endpoint: string,
    /** The access key of every call this local cloud makes to it, and of the functions' calls it forwards. */
    readonly accessKeyId: string,
  ) {
    this.endpoint = endpoint;
  }

  /**
   * A DynamoDB Local that runs already, at `endpoint` (`http://127.0.0.1:<port>`, without `-sharedDb`): the local cloud
   * neither starts nor stops it, and its calls carry a new access key, so its tables are its own and go with the JVM.
   */
  static external(endpoint: string, logger: Logger): DynamoDbLocal {
    const url = URL.parse(endpoint);
    if (url?.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(url.hostname) || !url.port) {
      throw new Error(`LOCAL_CLOUD_DYNAMODB_ENDPOINT must be http://127.0.0.1:<port> (a DynamoDB Local on this machine), not ${endpoint}`);
    }
    return new DynamoDbLocal(undefined, { logger }, `http://127.0.0.1:${url.port}`, `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`);
  }

  /** Spawns the JVM; resolve {@link ready} to wait until it answers. */
  static spawn(options: DynamoDbLocalOptions): DynamoDbLocal {
    try {
      const jvm = spawnDynamoDbLocal({
        port: options.port,
        sharedDb: true,
        jvmOptions: options.jvmOptions,
        pidFile: join(options.stateDir, 'dynamodb-local.pid'),
        dbPath: options.dataDir ? join(options.dataDir, 'dynamodb') : undefined,
        logger: options.logger,
      });
      return new DynamoDbLocal(jvm, options, jvm.endpoint, OWN_DYNAMODB_ACCESS_KEY_ID);
    } catch (error) {
      if (error instanceof PidFileInUseError) {
        throw new Error(
          `another local cloud (pid ${error.ownerPid}) uses ${join(options.stateDir, 'dynamodb-local.pid')}; stop it first or set LOCAL_CLOUD_STATE_DIR`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  get port(): number {
    return Number(new URL(this.endpoint).port);
  }

  /** The JVM's process id; none for an external one. */
  get pid(): number | undefined {
    return this.jvm?.pid;
  }

  get alive(): boolean {
    return this.jvm?.alive ?? true;
  }

  /** Whether the local cloud started this DynamoDB Local (and stops it), or uses one that runs already. */
  get external(): boolean {
    return this.jvm === undefined;
  }

  /** Waits until DynamoDB Local answers HTTP. */
  async ready(timeoutMs = 30_000): Promise<void> {
    if (this.jvm) {
      await this.jvm.ready(timeoutMs);
      return;
    }
    // Asked again until the deadline: a busy DynamoDB Local (other clouds' calls) can take longer than a probe waits.
    for (const deadline = Date.now() + timeoutMs; !(await answersAsDynamoDbLocal(this.endpoint));) {
      if (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      throw new Error(
        `no DynamoDB Local answers at ${this.endpoint} (LOCAL_CLOUD_DYNAMODB_ENDPOINT): start it first, or unset the variable`,
      );
    }
  }

  call<T = Record<string, unknown>>(operation: string, body: unknown): Promise<T> {
    return awsJsonCall<T>(this.endpoint, `${TARGET}.${operation}`, body, { accessKeyId: this.accessKeyId });
  }

  streamsCall<T = Record<string, unknown>>(operation: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return awsJsonCall<T>(this.endpoint, `${STREAMS_TARGET}.${operation}`, body, { signal, accessKeyId: this.accessKeyId });
  }

  async describeTable(tableName: string): Promise<TableDescription | undefined> {
    try {
      return (await this.call<{ Table: TableDescription }>('DescribeTable', { TableName: tableName })).Table;
    } catch (error) {
      if (error instanceof AwsJsonError && error.code === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  /**
   * Creates the table as the template declares it; an existing table (a redeploy) keeps its data
   * and gets missing indexes and its stream added.
   */
  async ensureTable(table: TableDef): Promise<'created' | 'kept' | 'updated'> {
    const existing = await this.describeTable(table.tableName);
    const streamSpecification = table.streamViewType ? { StreamEnabled: true, StreamViewType: table.streamViewType } : undefined;
    if (!existing) {
      await this.call('CreateTable', {
        TableName: table.tableName,
        KeySchema: table.keySchema,
        AttributeDefinitions: table.attributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        ...(table.globalSecondaryIndexes.length ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes } : {}),
        ...(table.localSecondaryIndexes.length ? { LocalSecondaryIndexes: table.localSecondaryIndexes } : {}),
        ...(streamSpecification ? { StreamSpecification: streamSpecification } : {}),
      });
      await this.enableTtl(table);
      return 'created';
    }
    if (JSON.stringify(existing.KeySchema) !== JSON.stringify(table.keySchema)) {
      this.options.logger.warn(
        `table ${table.tableName}: the key schema changed; DynamoDB would replace the table. Restart the local cloud to recreate it.`,
      );
    }
    let updated = false;
    const known = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of table.globalSecondaryIndexes.filter((candidate) => !known.has(candidate.IndexName))) {
      await this.call('UpdateTable', {
        TableName: table.tableName,
        AttributeDefinitions: table.attributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      });
      updated = true;
    }
    if (streamSpecification && !existing.StreamSpecification?.StreamEnabled) {
      await this.call('UpdateTable', { TableName: table.tableName, StreamSpecification: streamSpecification });
      updated = true;
    }
    await this.enableTtl(table);
    return updated ? 'updated' : 'kept';
  }

  private async enableTtl(table: TableDef): Promise<void> {
    if (!table.ttlAttribute) return;
    try {
      await this.call('UpdateTimeToLive', {
        TableName: table.tableName,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      });
    } catch (error) {
      // Already enabled on a redeploy, or not supported by this DynamoDB Local build.
      this.options.logger.debug(`table ${table.tableName}: TTL not set (${(error as Error).message})`);
    }
  }

  /** Stops the JVM and waits for it to go (SIGKILL after a grace period); an external one keeps running. */
  async stop(graceMs = 3000): Promise<void> {
    await this.jvm?.stop(graceMs);
  }

  /** Synchronous last resort for process exit handlers. */
  killNow(): void {
    this.jvm?.killNow();
  }
}
