import type { ReadAwsRequest } from '../faults/aws-call';
import { dynamodbActions, dynamodbStreamsActions, type PartitionKeyOf } from './dynamodb-actions';
import type { RequestedAction } from './requested-action';
import { snsActions, sqsActions } from './service-actions';

/** The services behind the AWS front door (`/_aws/<service>`), whose calls are forwarded to an emulator. */
export type FrontDoorService = 'dynamodb' | 'dynamodbstreams' | 'sqs' | 'sns' | 'sts';

/**
 * The permissions a front-door request needs, from the request as the SDK sent it: DynamoDB,
 * DynamoDB Streams and SQS by `X-Amz-Target` and JSON body, SNS by its form. STS's
 * GetCallerIdentity needs none (AWS answers it whatever the policies say): an empty list.
 */
export function frontDoorActions(service: FrontDoorService, read: ReadAwsRequest, partitionKeyOf?: PartitionKeyOf): RequestedAction[] {
  switch (service) {
    case 'dynamodb':
      return dynamodbActions(read.operation, read.input, partitionKeyOf);
    case 'dynamodbstreams':
      return dynamodbStreamsActions(read.operation, read.input);
    case 'sqs':
      return sqsActions(read.operation, read.input);
    case 'sns':
      return snsActions(read.form ?? new URLSearchParams());
    case 'sts':
      return read.operation === 'GetCallerIdentity' || read.form?.get('Action') === 'GetCallerIdentity'
        ? []
        : [{ action: `sts:${read.form?.get('Action') ?? read.operation}`, resource: '*' }];
  }
}

export type { RequestedAction } from './requested-action';
export { eventBridgeActions, lambdaInvokeActions, ssmActions, stepFunctionsActions } from './service-actions';
