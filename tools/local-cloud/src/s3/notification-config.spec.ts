import { eventMatches, fromApiShape, fromBucketProperty, targetTakes } from './notification-config';

describe('fromApiShape (Custom::S3BucketNotifications)', () => {
  it('reads the three kinds of target with their events and filter rules, and EventBridge', () => {
    const config = fromApiShape({
      LambdaFunctionConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:thumbs',
          Filter: {
            Key: {
              FilterRules: [
                { Name: 'suffix', Value: '.jpg' },
                { Name: 'prefix', Value: 'images/' },
              ],
            },
          },
        },
      ],
      QueueConfigurations: [{ Events: ['s3:ObjectRemoved:Delete'], QueueArn: 'arn:aws:sqs:us-east-1:000000000000:q', Id: 'mine' }],
      TopicConfigurations: [{ Events: ['s3:ObjectCreated:Copy'], TopicArn: 'arn:aws:sns:us-east-1:000000000000:t' }],
      EventBridgeConfiguration: {},
    });
    expect(config).toEqual({
      eventBridge: true,
      targets: [
        {
          kind: 'lambda',
          arn: 'arn:aws:lambda:us-east-1:000000000000:function:thumbs',
          events: ['s3:ObjectCreated:*'],
          prefix: 'images/',
          suffix: '.jpg',
          id: 'lambda-0',
        },
        { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:000000000000:q', events: ['s3:ObjectRemoved:Delete'], id: 'mine' },
        { kind: 'sns', arn: 'arn:aws:sns:us-east-1:000000000000:t', events: ['s3:ObjectCreated:Copy'], id: 'sns-0' },
      ],
    });
  });

  it('is empty without a configuration, and refuses a filter rule S3 does not know', () => {
    expect(fromApiShape(undefined)).toEqual({ targets: [], eventBridge: false });
    expect(() =>
      fromApiShape({
        QueueConfigurations: [{ Events: [], QueueArn: 'q', Filter: { Key: { FilterRules: [{ Name: 'regex', Value: '.*' }] } } }],
      }),
    ).toThrow('filter rule regex: S3 knows prefix and suffix');
  });
});

describe('fromBucketProperty (AWS::S3::Bucket NotificationConfiguration)', () => {
  it('reads one event per entry, S3Key rules (any case) and EventBridgeEnabled', () => {
    expect(
      fromBucketProperty({
        QueueConfigurations: [
          {
            Event: 's3:ObjectCreated:*',
            Queue: 'arn:aws:sqs:us-east-1:000000000000:csv',
            Filter: { S3Key: { Rules: [{ Name: 'Suffix', Value: '.csv' }] } },
          },
        ],
        LambdaConfigurations: [{ Event: 's3:ObjectRemoved:*', Function: 'arn:aws:lambda:us-east-1:000000000000:function:f' }],
        EventBridgeConfiguration: { EventBridgeEnabled: false },
      }),
    ).toEqual({
      eventBridge: false,
      targets: [
        { kind: 'lambda', arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', events: ['s3:ObjectRemoved:*'], id: 'lambda-0' },
        { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:000000000000:csv', events: ['s3:ObjectCreated:*'], suffix: '.csv', id: 'sqs-0' },
      ],
    });
  });
});

describe('event and key filters', () => {
  it('matches a wildcard to its family and an exact event to itself only', () => {
    expect(eventMatches('s3:ObjectCreated:*', 'ObjectCreated:Put')).toBe(true);
    expect(eventMatches('s3:ObjectCreated:*', 'ObjectCreated:CompleteMultipartUpload')).toBe(true);
    expect(eventMatches('s3:ObjectCreated:*', 'ObjectRemoved:Delete')).toBe(false);
    expect(eventMatches('s3:ObjectCreated:Put', 'ObjectCreated:Put')).toBe(true);
    expect(eventMatches('s3:ObjectCreated:Put', 'ObjectCreated:Copy')).toBe(false);
    expect(eventMatches('s3:ObjectRemoved:*', 'ObjectRemoved:Delete')).toBe(true);
  });

  it('needs both the prefix and the suffix, case-sensitive, on the key as stored', () => {
    const target = { kind: 'lambda' as const, arn: 'f', events: ['s3:ObjectCreated:*'], prefix: 'images/', suffix: '.jpg', id: 'x' };
    expect(targetTakes(target, 'ObjectCreated:Put', 'images/my cat.jpg')).toBe(true);
    expect(targetTakes(target, 'ObjectCreated:Put', 'images/cat.png')).toBe(false);
    expect(targetTakes(target, 'ObjectCreated:Put', 'other/cat.jpg')).toBe(false);
    expect(targetTakes(target, 'ObjectCreated:Put', 'images/cat.JPG')).toBe(false);
    expect(targetTakes(target, 'ObjectRemoved:Delete', 'images/cat.jpg')).toBe(false);
    expect(targetTakes({ ...target, prefix: undefined, suffix: undefined }, 'ObjectCreated:Copy', 'anything')).toBe(true);
  });
});
