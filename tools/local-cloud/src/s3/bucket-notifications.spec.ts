import { BucketNotifications, type NotificationDelivery } from './bucket-notifications';
import type { NotificationConfig } from './notification-config';
import type { ObjectChange } from './s3-event';

const config: NotificationConfig = {
  eventBridge: true,
  targets: [
    {
      kind: 'lambda',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:thumbs',
      events: ['s3:ObjectCreated:*'],
      prefix: 'images/',
      suffix: '.jpg',
      id: 'l',
    },
    { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:000000000000:q', events: ['s3:ObjectRemoved:*'], id: 'q' },
    { kind: 'sns', arn: 'arn:aws:sns:us-east-1:000000000000:t', events: ['s3:ObjectCreated:Copy'], id: 't' },
    { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:000000000000:q', events: ['s3:ObjectCreated:Put'], prefix: 'docs/', id: 'q2' },
  ],
};

function setup() {
  const sent: { to: string; payload: unknown }[] = [];
  const warnings: string[] = [];
  const delivery: NotificationDelivery = {
    invokeAsync: (name, payload) => {
      if (name === 'gone') throw new Error('Function not found: gone');
      sent.push({ to: `lambda:${name}`, payload });
    },
    sendMessage: async (arn, body) => void sent.push({ to: arn, payload: JSON.parse(body) }),
    publish: async (arn, message, subject) => void sent.push({ to: `${arn} (${subject})`, payload: JSON.parse(message) }),
    emit: (event) => void sent.push({ to: 'bus', payload: event }),
    logger: { warn: (line: string) => warnings.push(line) } as unknown as NotificationDelivery['logger'],
  };
  return { notifications: new BucketNotifications(delivery), sent, warnings };
}

const change = (key: string, eventName: string): ObjectChange => ({
  bucket: 'uploads',
  key,
  eventName,
  size: 3,
  eTag: 'e',
  sourceIp: '127.0.0.1',
  requestId: 'r',
  hostId: 'h',
  time: new Date(),
});

describe('BucketNotifications', () => {
  it('delivers each change to the targets that take it, and to the bus with EventBridge on', async () => {
    const { notifications, sent } = setup();
    notifications.configure('svc', [{ bucket: 'uploads', source: 's/N', config }]);
    await notifications.notify([
      change('images/a.jpg', 'ObjectCreated:Put'),
      change('images/a.png', 'ObjectCreated:Put'),
      change('docs/x.txt', 'ObjectCreated:Copy'),
      change('images/a.jpg', 'ObjectRemoved:Delete'),
    ]);
    expect(sent.map(({ to }) => to)).toEqual([
      'lambda:thumbs',
      'bus',
      'bus',
      'arn:aws:sns:us-east-1:000000000000:t (Amazon S3 Notification)',
      'bus',
      'arn:aws:sqs:us-east-1:000000000000:q',
      'bus',
    ]);
    expect((sent[0].payload as { Records: { s3: { configurationId: string } }[] }).Records[0].s3.configurationId).toBe('l');
    expect(notifications.describe()[0]?.configurations[0]?.targets.map((target) => target.delivered)).toEqual([1, 1, 1, 1]);
  });

  it('ignores other buckets and a service that is no longer configured', async () => {
    const { notifications, sent } = setup();
    notifications.configure('svc', [{ bucket: 'uploads', source: 's/N', config }]);
    await notifications.notify([{ ...change('images/a.jpg', 'ObjectCreated:Put'), bucket: 'other' }]);
    notifications.removeService('svc');
    await notifications.notify([change('images/a.jpg', 'ObjectCreated:Put')]);
    expect(sent).toEqual([]);
  });

  it('sends the test event once per queue and topic, and says which buckets changed on a redeploy', async () => {
    const { notifications, sent } = setup();
    expect(notifications.configure('svc', [{ bucket: 'uploads', source: 's/N', config }])).toEqual(['uploads']);
    await notifications.sendTestEvents('uploads');
    expect(sent.map(({ to }) => to)).toEqual([
      'arn:aws:sqs:us-east-1:000000000000:q',
      'arn:aws:sns:us-east-1:000000000000:t (Amazon S3 Notification)',
    ]);
    expect(sent[0].payload).toMatchObject({ Event: 's3:TestEvent', Bucket: 'uploads' });
    expect(notifications.configure('svc', [{ bucket: 'uploads', source: 's/N', config }])).toEqual([]);
    expect(notifications.configure('svc', [{ bucket: 'uploads', source: 's/N', config: { ...config, eventBridge: false } }])).toEqual([
      'uploads',
    ]);
  });

  it('warns, naming the target, when a delivery fails', async () => {
    const { notifications, warnings } = setup();
    const gone = { eventBridge: false, targets: [{ kind: 'lambda' as const, arn: 'gone', events: ['s3:ObjectCreated:*'], id: 'g' }] };
    notifications.configure('svc', [{ bucket: 'uploads', source: 's/N', config: gone }]);
    await notifications.notify([change('k', 'ObjectCreated:Put')]);
    expect(warnings).toEqual(['s3 notification ObjectCreated:Put uploads/k → gone not delivered: Function not found: gone']);
  });
});
