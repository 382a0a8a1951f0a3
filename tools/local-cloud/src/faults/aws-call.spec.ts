import { describeAwsCall } from './aws-call';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('describeAwsCall', () => {
  it('reads the operation from X-Amz-Target and the tables a DynamoDB call names', () => {
    expect(describeAwsCall('dynamodb', 'DynamoDB_20120810.PutItem', body({ TableName: 'orders', Item: {} }))).toEqual({
      service: 'dynamodb',
      operation: 'PutItem',
      resources: ['orders'],
    });
    expect(
      describeAwsCall(
        'dynamodb',
        'DynamoDB_20120810.TransactWriteItems',
        body({
          TransactItems: [
            { Put: { TableName: 'orders' } },
            { Update: { TableName: 'baskets' } },
            { ConditionCheck: { TableName: 'orders' } },
          ],
        }),
      ),
    ).toEqual({ service: 'dynamodb', operation: 'TransactWriteItems', resources: ['orders', 'baskets'] });
    expect(
      describeAwsCall('dynamodb', 'DynamoDB_20120810.BatchWriteItem', body({ RequestItems: { stock: [], prices: [] } })).resources,
    ).toEqual(['stock', 'prices']);
  });

  it('reads the queue of an SQS call', () => {
    expect(
      describeAwsCall(
        'sqs',
        'AmazonSQS.SendMessage',
        body({ QueueUrl: 'http://127.0.0.1:3000/_aws/sqs/000000000000/intake', MessageBody: 'x' }),
      ),
    ).toEqual({
      service: 'sqs',
      operation: 'SendMessage',
      resources: ['http://127.0.0.1:3000/_aws/sqs/000000000000/intake'],
    });
    expect(describeAwsCall('sqs', 'AmazonSQS.GetQueueUrl', body({ QueueName: 'intake' })).resources).toEqual(['intake']);
  });

  it('reads the action and topic of an SNS query-protocol call', () => {
    const form = new URLSearchParams({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:events',
      Message: '{}',
    });
    expect(describeAwsCall('sns', undefined, Buffer.from(form.toString()))).toEqual({
      service: 'sns',
      operation: 'Publish',
      resources: ['arn:aws:sns:us-east-1:000000000000:events'],
    });
  });

  it('names no resource for a body it cannot read, so only rules without a resource match', () => {
    expect(describeAwsCall('dynamodb', 'DynamoDB_20120810.PutItem', Buffer.from('{not json'))).toEqual({
      service: 'dynamodb',
      operation: 'PutItem',
      resources: [],
    });
    expect(describeAwsCall('sqs', undefined, Buffer.from('null'))).toEqual({ service: 'sqs', operation: '', resources: [] });
  });
});
