import { createHash } from 'node:crypto';

/** The fake account the local cloud lives in (the one fauxqs and the emulators use too). */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_PARTITION = 'aws';
export const LOCAL_URL_SUFFIX = 'amazonaws.com';

const ALNUM_LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A deterministic id of `length` characters from `alphabet`, so names survive restarts and redeploys. */
export function stableId(seed: string, length: number, alphabet = ALNUM_LOWER): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; out.length < length; i++) out += alphabet[bytes[i % bytes.length] % alphabet.length];
  return out;
}

/** A deterministic UUID (v4 layout) derived from a seed. */
export function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The physical name CloudFormation would generate for a resource without an explicit name
 * (`<stack>-<logicalId>-<RANDOM>`), minus the random suffix so that a redeploy finds the same
 * table, queue or function again; cut to the service's length limit.
 */
export function generatedName(stackName: string, logicalId: string, maxLength: number, suffix = ''): string {
  const base = `${stackName}-${logicalId}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const room = maxLength - suffix.length;
  if (base.length <= room) return base + suffix;
  const hash = stableId(base, 8, ALNUM);
  return `${base.slice(0, room - 9)}-${hash}${suffix}`;
}

export const arn = (service: string, resource: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT_ID) =>
  `arn:${LOCAL_PARTITION}:${service}:${region}:${account}:${resource}`;

export const lambdaArn = (functionName: string) => arn('lambda', `function:${functionName}`);
export const queueArn = (queueName: string) => arn('sqs', queueName);
export const topicArn = (topicName: string) => arn('sns', topicName);
export const tableArn = (tableName: string) => arn('dynamodb', `table/${tableName}`);
export const stateMachineArn = (name: string) => arn('states', `stateMachine:${name}`);
export const executionArn = (machineName: string, executionName: string) => arn('states', `execution:${machineName}:${executionName}`);
export const eventBusArn = (busName: string) => arn('events', `event-bus/${busName}`);
/** A rule's ARN: `rule/<name>` on the default bus, `rule/<bus>/<name>` on a named one. */
export const ruleArn = (busName: string, ruleName: string) =>
  arn('events', `rule/${busName === DEFAULT_EVENT_BUS ? '' : `${busName}/`}${ruleName}`);
export const ssmParameterArn = (name: string) => arn('ssm', `parameter${name.startsWith('/') ? '' : '/'}${name}`);

/** The name of the bus every account has, where AWS services send their events. */
export const DEFAULT_EVENT_BUS = 'default';

/** An event bus name or ARN (absent: the default bus) -> its name. */
export function eventBusNameOf(nameOrArn: unknown): string {
  if (nameOrArn === undefined || nameOrArn === null || nameOrArn === '') return DEFAULT_EVENT_BUS;
  const text = String(nameOrArn);
  return /:event-bus\/(.+)$/.exec(text)?.[1] ?? text;
}

/** Queue URL in the form fauxqs itself answers (`<endpoint>/<account>/<name>`), so the SDK keeps using the endpoint. */
export const queueUrl = (sqsEndpoint: string, queueName: string) => `${sqsEndpoint}/${LOCAL_ACCOUNT_ID}/${queueName}`;

/** The last segment of a queue URL or ARN, i.e. the queue name. */
export const queueNameOf = (urlOrArn: string) => urlOrArn.split(/[/:]/).pop() ?? urlOrArn;

/** `arn:aws:lambda:region:acct:function:name[:qualifier]`, a partial ARN or a plain name -> name. */
export function functionNameOf(nameOrArn: string): string {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(nameOrArn);
  if (match) return match[1];
  const partial = /^[^:]*:function:([^:]+)/.exec(nameOrArn);
  if (partial) return partial[1];
  return nameOrArn.split(':')[0];
}

/** Table name out of a table ARN or a stream ARN (`.../table/<name>/stream/<label>`). */
export function tableNameOf(arnOrName: string): string {
  const match = /table\/([^/]+)/.exec(arnOrName);
  return match ? match[1] : arnOrName;
}

/** Cognito user pool id out of a pool ARN (`arn:aws:cognito-idp:r:a:userpool/<id>`). */
export function userPoolIdOf(poolArn: string): string | undefined {
  const match = /userpool\/([\w-]+_[\w]+)/.exec(poolArn);
  return match?.[1];
}

export const cognitoIssuer = (userPoolId: string) => {
  const region = userPoolId.split('_')[0] || LOCAL_REGION;
  return `https://cognito-idp.${region}.${LOCAL_URL_SUFFIX}/${userPoolId}`;
};
