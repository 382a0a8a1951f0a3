import { tableArn } from '../assembly/naming';
import { LOCAL_STREAM_LABEL } from '../assembly/physical';
import type { RequestedAction } from './requested-action';

type Json = Record<string, unknown>;

/** The partition key attribute of a table, or of one of its indexes (undefined: unknown table or index). */
export type PartitionKeyOf = (table: string, index?: string) => string | undefined;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An AttributeValue as the string IAM compares (`S`, `N`, `B` as sent); other types have no string form. */
function scalarOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  for (const type of ['S', 'N', 'B']) if (typeof value[type] === 'string') return value[type] as string;
  return undefined;
}

const names = (input: Json): Json => (isObject(input.ExpressionAttributeNames) ? input.ExpressionAttributeNames : {});
const values = (input: Json): Json => (isObject(input.ExpressionAttributeValues) ? input.ExpressionAttributeValues : {});
const resolveName = (token: string, input: Json) => (token.startsWith('#') ? String(names(input)[token] ?? token) : token);

/** Attribute names a ProjectionExpression (or the legacy AttributesToGet) reads. */
function projected(input: Json): string[] | undefined {
  if (Array.isArray(input.AttributesToGet)) return input.AttributesToGet.map(String);
  if (typeof input.ProjectionExpression !== 'string') return undefined;
  return [...new Set(input.ProjectionExpression.split(',').map((path) => resolveName(path.trim().split(/[.[]/)[0] ?? '', input)))].filter(
    Boolean,
  );
}

/**
 * The partition key values a Query's KeyConditionExpression (or legacy KeyConditions) names: the
 * `<key> = :value` term on the partition key, in either order.
 */
function queriedPartition(input: Json, partitionKey: string): string[] {
  if (isObject(input.KeyConditions)) {
    const condition = input.KeyConditions[partitionKey];
    const value =
      isObject(condition) && Array.isArray(condition.AttributeValueList) ? scalarOf(condition.AttributeValueList[0]) : undefined;
    return value === undefined ? [] : [value];
  }
  if (typeof input.KeyConditionExpression !== 'string') return [];
  for (const term of input.KeyConditionExpression.split(/\s+and\s+/i)) {
    const equality = /^\(?\s*([#:]?[\w.-]+)\s*=\s*([#:]?[\w.-]+)\s*\)?$/.exec(term.trim());
    if (!equality) continue;
    const [left, right] = [equality[1], equality[2]];
    const [name, placeholder] = left.startsWith(':') ? [right, left] : [left, right];
    if (resolveName(name, input) !== partitionKey) continue;
    const value = scalarOf(values(input)[placeholder]);
    if (value !== undefined) return [value];
  }
  return [];
}

/** The partition key value of a key or item map. */
function keyValue(key: unknown, partitionKey: string | undefined): string[] {
  if (!partitionKey || !isObject(key)) return [];
  const value = scalarOf(key[partitionKey]);
  return value === undefined ? [] : [value];
}

/** Condition keys a single-item or query call supplies (only those the request states: IAM leaves the others absent). */
function itemContext(operation: string, input: Json, partitionKey: string | undefined): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  const leading =
    operation === 'Query'
      ? partitionKey
        ? queriedPartition(input, partitionKey)
        : []
      : keyValue(operation === 'PutItem' ? input.Item : input.Key, partitionKey);
  if (leading.length) context['dynamodb:LeadingKeys'] = leading;
  const attributes = operation === 'PutItem' && isObject(input.Item) ? Object.keys(input.Item) : projected(input);
  if (attributes?.length) context['dynamodb:Attributes'] = attributes;
  if (typeof input.Select === 'string') context['dynamodb:Select'] = input.Select;
  if (typeof input.ReturnValues === 'string') context['dynamodb:ReturnValues'] = input.ReturnValues;
  return context;
}

const withContext = (action: string, resource: string, context: Record<string, string | string[]>): RequestedAction =>
  Object.keys(context).length ? { action, resource, context } : { action, resource };

/** The table ARN a stream ARN belongs to, with the one stream label the templates' `StreamArn` resolves to. */
export const streamResource = (streamArn: string): string => {
  const table = /table\/([^/]+)/.exec(streamArn)?.[1];
  return table ? `${tableArn(table)}/stream/${LOCAL_STREAM_LABEL}` : streamArn;
};

/**
 * What a DynamoDB call asks IAM: one action per table (and per operation inside a batch or a
 * transaction: a TransactWriteItems with a Put and an Update on one table needs PutItem and
 * UpdateItem there, as AWS checks), on the table's ARN, or the index's (`table/<t>/index/<i>`) for a
 * Query or Scan with IndexName; with the condition keys the request states.
 */
export function dynamodbActions(operation: string, input: Json, partitionKeyOf: PartitionKeyOf = () => undefined): RequestedAction[] {
  const table = typeof input.TableName === 'string' ? input.TableName : '';
  const action = `dynamodb:${operation}`;
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [withContext(action, tableArn(table), itemContext(operation, input, partitionKeyOf(table)))];
    case 'Query':
    case 'Scan': {
      const index = typeof input.IndexName === 'string' ? input.IndexName : undefined;
      const resource = index ? `${tableArn(table)}/index/${index}` : tableArn(table);
      return [withContext(action, resource, itemContext(operation, input, partitionKeyOf(table, index)))];
    }
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return batchActions(operation, input, partitionKeyOf);
    case 'TransactGetItems':
    case 'TransactWriteItems':
      return transactActions(input, partitionKeyOf);
    default:
      // DescribeTable, UpdateTimeToLive, ... : the table when the call names one, else `*` (ListTables).
      return [{ action, resource: table ? tableArn(table) : '*' }];
  }
}

/** BatchGetItem: `BatchGetItem` per table; BatchWriteItem: `BatchWriteItem` per table, with each request's partition key. */
function batchActions(operation: string, input: Json, partitionKeyOf: PartitionKeyOf): RequestedAction[] {
  const items = isObject(input.RequestItems) ? input.RequestItems : {};
  return Object.entries(items).map(([table, request]) => {
    const partitionKey = partitionKeyOf(table);
    const keys =
      operation === 'BatchGetItem'
        ? isObject(request) && Array.isArray(request.Keys)
          ? request.Keys
          : []
        : Array.isArray(request)
          ? request.map((write: Json) =>
              isObject(write.PutRequest) ? write.PutRequest.Item : isObject(write.DeleteRequest) ? write.DeleteRequest.Key : undefined,
            )
          : [];
    const leading = [...new Set(keys.flatMap((key: unknown) => keyValue(key, partitionKey)))];
    return withContext(`dynamodb:${operation}`, tableArn(table), leading.length ? { 'dynamodb:LeadingKeys': leading } : {});
  });
}

const TRANSACT_ACTIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/** Each item of a transaction is checked as its own single-item action on its table. */
function transactActions(input: Json, partitionKeyOf: PartitionKeyOf): RequestedAction[] {
  const items = Array.isArray(input.TransactItems) ? (input.TransactItems as Json[]) : [];
  const seen = new Map<string, RequestedAction>();
  for (const item of items) {
    for (const [kind, request] of Object.entries(item ?? {})) {
      const operation = TRANSACT_ACTIONS[kind];
      if (!operation || !isObject(request)) continue;
      const table = String(request.TableName ?? '');
      const context = itemContext(operation, request, partitionKeyOf(table));
      const requested = withContext(`dynamodb:${operation}`, tableArn(table), context);
      seen.set(JSON.stringify(requested), requested);
    }
  }
  return [...seen.values()];
}

/** DynamoDB Streams: GetRecords, GetShardIterator, DescribeStream on the stream's ARN; ListStreams on `*`. */
export function dynamodbStreamsActions(operation: string, input: Json): RequestedAction[] {
  const stream = typeof input.StreamArn === 'string' ? input.StreamArn : undefined;
  if (operation === 'GetRecords') {
    // GetRecords names a shard iterator, not a stream: DynamoDB Local's iterators carry the stream ARN in them.
    const iterator = typeof input.ShardIterator === 'string' ? input.ShardIterator : '';
    const arn = /arn:aws:dynamodb:[^|]*?\/stream\/[^|]+/.exec(iterator)?.[0];
    return [{ action: 'dynamodb:GetRecords', resource: arn ? streamResource(arn) : '*' }];
  }
  return [{ action: `dynamodb:${operation}`, resource: stream ? streamResource(stream) : '*' }];
}
