import type { AwsCall } from './registry';
import type { FaultService } from './rules';

type Json = Record<string, unknown>;

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
export function describeAwsCall(service: FaultService, target: string | undefined, body: Buffer): AwsCall {
  if (service === 'sns') {
    const form = new URLSearchParams(body.toString('utf8'));
    return { service, operation: form.get('Action') ?? '', resources: strings(form.get('TopicArn'), form.get('TargetArn')) };
  }
  const operation = (target ?? '').slice((target ?? '').indexOf('.') + 1);
  const input = parseJson(body);
  if (service === 'dynamodb') return { service, operation, resources: dynamodbTables(input) };
  return { service, operation, resources: strings(input.QueueUrl, input.QueueName) };
}
