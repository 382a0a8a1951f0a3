import type { DynamoDbLocal } from '../emulators/dynamodb-local';
import type { IamMode } from '../iam/gate';
import type { FunctionLogMode } from '../lambda/function-pool';
import type { Logger } from '../log';

export interface LocalCloudOptions {
  /** Folder of the services' assemblies: `<root>/<service>/cdk.out` (dist/apps). */
  assembliesRoot: string;
  /** Only these services (default: every assembly found). */
  services?: string[];
  /** Where the signing key, control secret, pid file and inline code live (git-ignored `.local-cloud/`). */
  stateDir: string;
  /**
   * Where kept data lives (`--persist`): DynamoDB Local's files in `dynamodb/`, the stream positions in
   * `stream-checkpoints.json`. None: everything in memory.
   */
  dataDir?: string;
  /** The only folder `POST /_local/deploy` may load a `dir` from: the workspace's `dist/`. */
  deployRoot: string;
  /** Finished executions kept per state machine (oldest dropped first; running ones always kept). */
  maxExecutions?: number;
  /** Path of the built lambda-worker.mjs. */
  workerScript: string;
  /** node_modules that stands in for the Lambda runtime's (the AWS SDK for bundles that leave it out): NODE_PATH. */
  runtimeNodeModules?: string;
  /** V8 code cache of the functions' modules, shared by every instance (see lambda-worker.ts). */
  compileCacheDir?: string;
  port: number;
  dynamodbPort?: number;
  messagingPort?: number;
  /** Concurrent instances per function (Lambda's concurrency). */
  maxConcurrency: number;
  idleTimeoutMs: number;
  functionLogs: FunctionLogMode;
  /** Show the functions' EMF metric lines (folded away by default). */
  metricLogs?: boolean;
  jvmOptions: string;
  /** A DynamoDB Local spawned before this module was even loaded (the JVM is the long pole of the start-up). */
  dynamodb?: DynamoDbLocal;
  /** Start one instance of every function behind an API right after start-up (the first request is then warm). */
  prewarm: boolean;
  logger: Logger;
  /** Test knob: Step Functions retry interval override (ms). */
  sfnRetryIntervalMs?: number;
  /**
   * Test knob: multiplies the delays the local cloud itself waits between retries (Lambda's
   * asynchronous retries, EventBridge target retries, stream batch retries). Default 1.
   */
  retryDelayScale?: number;
  /** EventBridge schedules run this many times faster than real time (`--schedule-speed`, default 1). */
  scheduleSpeed?: number;
  /** `--iam`: check functions' calls against their roles and refuse (`enforce`), log (`warn`), or not (`off`). Default `enforce`. */
  iam?: IamMode;
  /**
   * The functions' AWS calls to the local cloud over loopback HTTP, as before they went over their worker's port
   * (lambda/aws-port.ts): to compare the two, or to rule the port out. Default false.
   */
  awsOverHttp?: boolean;
  /**
   * Every DynamoDB call of a function over its worker's port, as before a worker sent the calls IAM admits to
   * DynamoDB Local itself (lambda/dynamodb-direct.ts): to compare the two. Default false.
   */
  dynamodbOverPort?: boolean;
}
