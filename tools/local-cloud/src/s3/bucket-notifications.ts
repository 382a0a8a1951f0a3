import { functionNameOf } from '../assembly/naming';
import type { Logger } from '../log';
import { targetTakes, type NotificationConfig, type NotificationTarget } from './notification-config';
import { nextSequencer, s3BusEvent, s3EventRecord, s3TestEvent, type ObjectChange } from './s3-event';

/** How the notifications reach their targets (the runtime's async invoker, fauxqs, the default event bus). */
export interface NotificationDelivery {
  /** Lambda's asynchronous invoke (S3 invokes functions so); throws when there is no such function. */
  invokeAsync(functionName: string, payload: unknown): void;
  sendMessage(queueArn: string, body: string): Promise<void>;
  publish(topicArn: string, message: string, subject: string): Promise<void>;
  emit(event: ReturnType<typeof s3BusEvent>): void;
  logger: Logger;
}

interface Configured {
  service: string;
  /** `<stack>/<logical id>` of what declared it. */
  source: string;
  config: NotificationConfig;
}

/**
 * The buckets' notification configurations and their delivery: each object change the S3 front
 * door saw succeed becomes one S3 event record per target that takes it (asynchronous invoke for a
 * function, a message on a queue, a publish on a topic, an event on the default bus with
 * EventBridge enabled), as S3 sends them. Deliveries run after the answer is sent; a failed one is
 * a warning naming the bucket, key and target (S3 too drops what it cannot deliver).
 */
export class BucketNotifications {
  private readonly byBucket = new Map<string, Configured[]>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly delivery: NotificationDelivery) {}

  /** Replaces what a service configured (a redeploy); returns the buckets whose configuration is new or changed. */
  configure(service: string, entries: { bucket: string; source: string; config: NotificationConfig }[]): string[] {
    const before = new Map([...this.byBucket].map(([bucket, list]) => [bucket, JSON.stringify(list.filter((c) => c.service === service))]));
    this.removeService(service);
    for (const { bucket, source, config } of entries) {
      this.byBucket.set(bucket, [...(this.byBucket.get(bucket) ?? []), { service, source, config }]);
    }
    return [...new Set(entries.map((entry) => entry.bucket))].filter(
      (bucket) => before.get(bucket) !== JSON.stringify((this.byBucket.get(bucket) ?? []).filter((c) => c.service === service)),
    );
  }

  removeService(service: string): void {
    for (const [bucket, list] of this.byBucket) {
      const kept = list.filter((configured) => configured.service !== service);
      if (kept.length > 0) this.byBucket.set(bucket, kept);
      else this.byBucket.delete(bucket);
    }
  }

  /**
   * S3's `s3:TestEvent`, sent once to each of the bucket's queues and topics when its configuration
   * is set (as S3 does on PutBucketNotificationConfiguration; functions get none).
   */
  async sendTestEvents(bucket: string): Promise<void> {
    const body = JSON.stringify(s3TestEvent(bucket));
    for (const target of this.targetsOf(bucket)) {
      await this.send(target, body, bucket, `s3:TestEvent ${bucket}`);
    }
  }

  /** Delivers the events of the changes (never throws: a failed delivery is a warning). */
  async notify(changes: ObjectChange[]): Promise<void> {
    for (const change of changes) {
      const configured = this.byBucket.get(change.bucket);
      if (!configured) continue;
      const sequencer = nextSequencer(change.time.getTime());
      for (const { config } of configured) {
        for (const target of config.targets) {
          if (!targetTakes(target, change.eventName, change.key)) continue;
          const event = { Records: [s3EventRecord(change, target.id, sequencer)] };
          await this.send(target, event, change.bucket, `${change.eventName} ${change.bucket}/${change.key}`);
        }
        if (config.eventBridge) {
          this.delivery.emit(s3BusEvent(change, sequencer));
          this.count(`${change.bucket} → default event bus`);
        }
      }
    }
  }

  /** For `/_local/resources`: each bucket's targets and how many events each got. */
  describe() {
    return [...this.byBucket].map(([bucket, list]) => ({
      bucket,
      configurations: list.map(({ service, source, config }) => ({
        service,
        source,
        eventBridge: config.eventBridge,
        targets: config.targets.map((target) => ({ ...target, delivered: this.counts.get(`${bucket} → ${target.arn}`) ?? 0 })),
      })),
      eventBridgeDelivered: this.counts.get(`${bucket} → default event bus`) ?? 0,
    }));
  }

  /** The bucket's queues and topics, each once. */
  private targetsOf(bucket: string): NotificationTarget[] {
    const all = (this.byBucket.get(bucket) ?? []).flatMap(({ config }) => config.targets.filter((target) => target.kind !== 'lambda'));
    return all.filter((target, index) => all.findIndex((other) => other.arn === target.arn) === index);
  }

  private async send(target: NotificationTarget, payload: unknown, bucket: string, what: string): Promise<void> {
    try {
      if (target.kind === 'lambda') {
        this.delivery.invokeAsync(functionNameOf(target.arn), payload);
      } else {
        const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
        if (target.kind === 'sqs') await this.delivery.sendMessage(target.arn, body);
        else await this.delivery.publish(target.arn, body, 'Amazon S3 Notification');
      }
      this.count(`${bucket} → ${target.arn}`);
    } catch (error) {
      this.delivery.logger.warn(`s3 notification ${what} → ${target.arn} not delivered: ${(error as Error).message}`);
    }
  }

  private count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
