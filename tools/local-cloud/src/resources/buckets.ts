import { fromApiShape, fromBucketProperty, type NotificationConfig } from '../s3/notification-config';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    buckets: BucketDef[];
    bucketNotifications: BucketNotificationsDef[];
  }
}

export interface BucketDef extends ResourceBase {
  name: string;
  arn: string;
  /** What the template asks of the bucket that the local cloud does not do (one line each; `/_local/resources` lists them). */
  notServed: string[];
}

/** One notification configuration of a bucket: a `Custom::S3BucketNotifications` (CDK) or a bucket's own `NotificationConfiguration`. */
export interface BucketNotificationsDef extends ResourceBase {
  bucket: string;
  config: NotificationConfig;
}

/** Bucket properties whose behaviour the local cloud does not have (fauxqs stores objects; no more). */
const PROPERTIES_NOT_SERVED: Record<string, string> = {
  WebsiteConfiguration: 'website hosting is not emulated',
  ReplicationConfiguration: 'replication is not emulated',
  LifecycleConfiguration: 'lifecycle rules are not applied (objects never expire)',
  ObjectLockConfiguration: 'Object Lock is not emulated',
  ObjectLockEnabled: 'Object Lock is not emulated',
  VersioningConfiguration: 'versioning is not emulated (one version per key)',
  CorsConfiguration: 'CORS is not answered',
  AccelerateConfiguration: 'transfer acceleration is not emulated',
  InventoryConfigurations: 'inventory is not emulated',
  IntelligentTieringConfigurations: 'storage classes are not emulated',
  LoggingConfiguration: 'access logging is not emulated',
};

/** Bucket name → what creating it did (`created` or `kept`). */
type BucketsState = Record<string, string>;

/**
 * `AWS::S3::Bucket`: a bucket in fauxqs (the object API, multipart, copy; functions reach it
 * through `/_aws/s3`), kept with its objects across redeploys and never deleted, as tables are.
 * The bucket properties above it cannot serve are named at start-up and in `/_local/resources`.
 * Also claims CDK's `Custom::S3AutoDeleteObjects`, which needs nothing here (the buckets go with
 * the local cloud).
 */
export const buckets = resourceKind<'buckets', BucketDef, BucketsState>({
  key: 'buckets',
  types: ['AWS::S3::Bucket', 'Custom::S3AutoDeleteObjects'],
  read: (context) =>
    readEach(
      context,
      (logicalId) => {
        const props = propertiesOf(context.resolver, logicalId);
        const name = context.resolver.physicalName(logicalId);
        const notServed = Object.entries(PROPERTIES_NOT_SERVED)
          .filter(([property]) => props(property) !== undefined)
          .map(([property, reason]) => `${property}: ${reason}`);
        for (const reason of notServed) context.warn(`${context.stack.stackName}/${logicalId} (bucket ${name}) ${reason}`);
        return { ...context.base(logicalId), name, arn: `arn:aws:s3:::${name}`, notServed };
      },
      ['AWS::S3::Bucket'],
    ),
  apply: async (defs, { runtime }) => {
    const { endpoint } = await runtime.messaging();
    const state: BucketsState = {};
    for (const bucket of defs) {
      const url = `${endpoint}/${encodeURIComponent(bucket.name)}`;
      const exists = (await fetch(url, { method: 'HEAD' })).ok;
      if (!exists) {
        const response = await fetch(url, { method: 'PUT' });
        if (!response.ok) throw new Error(`bucket ${bucket.name} not created: ${response.status} ${await response.text()}`);
      }
      state[bucket.name] = exists ? 'kept' : 'created';
    }
    return state;
  },
  describe: (model) => ({
    buckets: model?.buckets.map(({ service, name, arn, notServed }) => ({
      service,
      name,
      arn,
      ...(notServed.length ? { notServed } : {}),
    })),
  }),
  report: (_defs, state) => ({ buckets: state ?? {} }),
});

/**
 * Bucket notifications: CDK's `Custom::S3BucketNotifications` (read, its handler function never
 * run) and a bucket's own `NotificationConfiguration`, delivered by the runtime's
 * BucketNotifications to functions (asynchronous invoke), queues, topics and, with
 * `EventBridgeConfiguration`, the default event bus. Applied after the functions, queues and
 * topics; a configuration new at this apply gets S3's `s3:TestEvent` on its queues and topics.
 */
export const bucketNotifications = resourceKind<'bucketNotifications', BucketNotificationsDef, undefined>({
  key: 'bucketNotifications',
  types: ['Custom::S3BucketNotifications', 'AWS::S3::Bucket'],
  read: (context) =>
    readEach(context, (logicalId, type) => {
      const props = propertiesOf(context.resolver, logicalId);
      try {
        if (type === 'AWS::S3::Bucket') {
          const property = props('NotificationConfiguration') as Record<string, unknown> | undefined;
          if (property === undefined) return undefined;
          return { ...context.base(logicalId), bucket: context.resolver.physicalName(logicalId), config: fromBucketProperty(property) };
        }
        const config = fromApiShape(props('NotificationConfiguration') as Record<string, unknown> | undefined);
        return { ...context.base(logicalId), bucket: String(props('BucketName')), config };
      } catch (error) {
        context.warn(`${context.stack.stackName}/${logicalId} (${type}) notifications not started: ${(error as Error).message}`);
        return undefined;
      }
    }),
  apply: async (defs, { runtime, service }) => {
    const changed = runtime.s3Notifications.configure(
      service,
      defs.map((def) => ({ bucket: def.bucket, source: `${def.stackName}/${def.logicalId}`, config: def.config })),
    );
    for (const bucket of changed) await runtime.s3Notifications.sendTestEvents(bucket);
    return undefined;
  },
  describe: (_model, runtime) => ({ bucketNotifications: runtime.s3Notifications.describe() }),
  report: (defs) => ({ bucketNotifications: defs.length }),
});
