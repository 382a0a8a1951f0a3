import type { AwsCall } from './registry';
import type { FaultService } from './rules';

type Json = Record<string, unknown>;

/** A front-door request read once: its operation and its input (a JSON body, or SNS's form). */
export interface ReadAwsRequest {
  operation: string;
  input: Json;
  form?: URLSearchParams;
}

const parseJson = (body: Buffer): Json => {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' ? (value as Json) : {};
  } catch {
    return {};
  }
};

const strings = (...values: unknown[]): string[] =>
  values.filter((value): value is string => typeof value === 'string' && value.length > 0);

/** Table names of a DynamoDB request: `TableName`, the keys of `RequestItems`, the tables of `TransactItems`. */
function dynamodbTables(input: Json): string[] {
  const transact = Array.isArray(input.TransactItems) ? (input.TransactItems as Json[]) : [];
  const inTransaction = transact.flatMap((item) => Object.values(item ?? {}).map((action) => (action as Json | undefined)?.TableName));
  const batch = input.RequestItems && typeof input.RequestItems === 'object' ? Object.keys(input.RequestItems) : [];
  return [...new Set(strings(input.TableName, ...batch, ...inTransaction))];
}

/**
 * Which operation a request to the front door is and which resources it names, in the service's
 * own protocol: DynamoDB and SQS speak JSON (`X-Amz-Target: <prefix>.<Operation>`), SNS the query
 * protocol (a form body with `Action`). Only asked while a rule for the service is active.
 */
export function describeAwsCall(
  service: FaultService,
  target: string | undefined,
  body: Buffer,
  read: ReadAwsRequest = readAwsRequest(service === 'sns', target, body),
): AwsCall {
  const { operation, input, form } = read;
  if (form) return { service, operation, resources: strings(form.get('TopicArn'), form.get('TargetArn')) };
  if (service === 'dynamodb') return { service, operation, resources: dynamodbTables(input) };
  return { service, operation, resources: strings(input.QueueUrl, input.QueueName) };
}

/**
 * Reads a front-door request's operation and input once, for whoever looks at it (fault rules,
 * IAM): the query protocol's form (`Action`) or the JSON protocol's `X-Amz-Target` and body.
 */
export function readAwsRequest(query: boolean, target: string | undefined, body: Buffer): ReadAwsRequest {
  if (query) {
    const form = new URLSearchParams(body.toString('utf8'));
    return { operation: form.get('Action') ?? '', input: {}, form };
  }
  return { operation: (target ?? '').slice((target ?? '').indexOf('.') + 1), input: parseJson(body) };
}
