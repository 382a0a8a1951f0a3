/** Messages between a function pool (main thread) and a Lambda worker thread. */
import type { DirectDynamodbInit } from './dynamodb-direct';

export interface WorkerInit {
  codeDir: string;
  handler: string;
  functionName: string;
  functionArn: string;
  memorySize: number;
  logGroupName: string;
  logStreamName: string;
  /** What of the function's own output reaches the local cloud's log (filtered here, before it crosses threads). */
  functionLogs: 'all' | 'errors' | 'none' | 'json';
  /** Where V8's code cache of loaded modules is kept between instances and runs (none: no cache). */
  compileCacheDir?: string;
  /** The function's layers merged (what Lambda has under `/opt`): `/opt/...` module paths are read from here. */
  optDir?: string;
  /**
   * The local cloud's origin (`http://127.0.0.1:<port>`): the SDK's calls to it under `/_aws/` go over the worker's
   * port (aws-port.ts). None: every call goes over HTTP.
   */
  awsOrigin?: string;
  /** DynamoDB Local and the flags shared with the main thread: admitted DynamoDB calls go there (dynamodb-direct.ts). */
  dynamodbDirect?: DirectDynamodbInit;
}

/** The error payload Lambda returns for a failed invocation. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export interface WorkerRequest {
  id: number;
  requestId: string;
  traceId: string;
  /** Absolute time (ms since epoch) the invocation times out. */
  deadline: number;
  /** The event as JSON text: Lambda events are JSON, and so are results. */
  event: string;
}

/** A function's AWS SDK call to the local cloud's `/_aws/*` endpoints, as signed (aws-port.ts). */
export interface AwsCallRequest {
  type: 'aws';
  id: number;
  method: string;
  /** Percent-encoded, as the SDK sends it. */
  path: string;
  /** The query string, without `?`. */
  query: string;
  headers: [string, string][];
  body: string | Uint8Array;
}

/** The main thread's answer to an AwsCallRequest, as the SDK would have read it over HTTP. */
export interface AwsCallAnswer {
  type: 'aws-answer';
  id: number;
  statusCode: number;
  headers: [string, string][];
  body: string | Uint8Array;
  /** IAM admits every DynamoDB call of this one's kind: the worker may send them to DynamoDB Local itself. */
  admitted?: boolean;
}

export type WorkerResponse =
  | AwsCallRequest
  | { type: 'ready'; initDurationMs: number }
  | { type: 'init-error'; error: LambdaErrorPayload }
  | { type: 'result'; id: number; payload?: string; error?: LambdaErrorPayload };
