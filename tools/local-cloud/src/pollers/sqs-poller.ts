import type { SQSEvent, SQSRecord, SNSEvent } from 'aws-lambda';
import type { EventSourceMappingDef } from '../assembly/model';
import { LOCAL_REGION } from '../assembly/naming';
import type { InvokeOptions, InvokeOutcome } from '../lambda/function-pool';
import { compileRecordFilter, type RecordFilter } from '../events/record-filter';
import type { Logger } from '../log';
import { correlationIdOf, failedIdentifiers, sleep } from './batch-result';

/** A received message as the SQS JSON protocol returns it (binary attribute values in base64). */
export interface QueueMessage {
  MessageId?: string;
  ReceiptHandle?: string;
  Body?: string;
  MD5OfBody?: string;
  MD5OfMessageAttributes?: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: Record<
    string,
    { DataType?: string; StringValue?: string; BinaryValue?: string; StringListValues?: string[]; BinaryListValues?: string[] }
  >;
}

/** The two SQS calls a poller makes. */
export interface SqsQueueApi {
  receiveMessages(
    request: { queueUrl: string; maxNumberOfMessages: number; waitTimeSeconds: number },
    signal: AbortSignal,
  ): Promise<QueueMessage[]>;
  deleteMessages(queueUrl: string, receiptHandles: string[]): Promise<void>;
}

export interface SqsPollerDeps {
  queue: SqsQueueApi;
  invoke: (event: unknown, options: InvokeOptions) => Promise<InvokeOutcome>;
  logger: Logger;
}

export interface SqsPollerOptions {
  queueUrl: string;
  /** Long-poll wait per ReceiveMessage (s). */
  waitTimeSeconds?: number;
  /**
   * Most batches handed to the function at once (Lambda scales its SQS pollers up to the
   * function's concurrency): one receive loop keeps up to this many invocations in flight.
   */
  concurrency?: number;
  /**
   * `sqs`: Lambda's SQS event. `sns`: the queue is an internal one that stands in for an SNS
   * subscription with protocol lambda: each message (an SNS envelope) becomes an SNS event.
   */
  shape?: 'sqs' | 'sns';
  subscriptionArn?: string;
}

/**
 * An SQS event source mapping: long-polls the queue, hands batches of up to BatchSize messages
 * (gathered for up to MaximumBatchingWindowInSeconds) to the function and deletes what succeeded.
 * Failed messages are left alone: they come back after the visibility timeout and, past the
 * redrive policy's maxReceiveCount, fauxqs moves them to the dead-letter queue.
 *
 * One receive loop per mapping, which goes on receiving while earlier batches run (up to
 * `concurrency` of them): several loops long-polling one queue would all be woken by each
 * message, and all but one would come back empty.
 */
export class SqsPoller {
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  /** The mapping's FilterCriteria, compiled (undefined: every message is delivered). */
  private readonly filter?: RecordFilter;

  constructor(
    readonly mapping: EventSourceMappingDef,
    private readonly deps: SqsPollerDeps,
    private readonly options: SqsPollerOptions,
  ) {
    this.filter = compileRecordFilter(mapping.filterPatterns, 'sqs');
  }

  private get concurrency(): number {
    return Math.max(1, Math.min(this.options.concurrency ?? 2, this.mapping.maximumConcurrency ?? Number.POSITIVE_INFINITY));
  }

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    const inFlight = new Set<Promise<void>>();
    while (!signal.aborted) {
      try {
        while (inFlight.size >= this.concurrency) await Promise.race(inFlight);
        const messages = await this.receiveBatch(signal);
        if (messages.length === 0 || signal.aborted) continue;
        const handled: Promise<void> = this.handle(messages)
          .catch((error: Error) => this.deps.logger.warn(`sqs poller ${this.mapping.logicalId}: ${error.message}`))
          .finally(() => inFlight.delete(handled));
        inFlight.add(handled);
      } catch (error) {
        if (signal.aborted) break;
        this.deps.logger.warn(`sqs poller ${this.mapping.logicalId}: ${(error as Error).message}`);
        await sleep(1000, signal);
      }
    }
    await Promise.allSettled(inFlight);
  }

  /** One receive-invoke-delete round, waited for; returns how many messages it handled. */
  async pollOnce(signal: AbortSignal = this.abort.signal): Promise<number> {
    const messages = await this.receiveBatch(signal);
    if (messages.length === 0 || signal.aborted) return messages.length;
    await this.handle(messages);
    return messages.length;
  }

  private async handle(received: QueueMessage[]): Promise<void> {
    const messages = await this.dropUnmatched(received);
    if (messages.length === 0) return;
    if (this.options.shape === 'sns') {
      for (const message of messages) await this.deliver([message]);
    } else {
      await this.deliver(messages);
    }
  }

  /** FilterCriteria: messages no filter matches are deleted from the queue without invoking the function, as Lambda does. */
  private async dropUnmatched(messages: QueueMessage[]): Promise<QueueMessage[]> {
    const filter = this.filter;
    if (!filter) return messages;
    const arn = this.mapping.eventSourceArn;
    const matched = messages.filter((message) => filter(toSqsEvent([message], arn).Records[0]));
    const dropped = messages.filter((message) => !matched.includes(message));
    if (dropped.length > 0) {
      await this.deps.queue.deleteMessages(
        this.options.queueUrl,
        dropped.map((message) => message.ReceiptHandle ?? ''),
      );
      this.deps.logger.debug(`sqs poller ${this.mapping.logicalId}: ${dropped.length} message(s) matched no filter, deleted`);
    }
    return matched;
  }

  private async deliver(messages: QueueMessage[]): Promise<void> {
    const event =
      this.options.shape === 'sns'
        ? toSnsEvent(messages[0], this.options.subscriptionArn ?? '')
        : toSqsEvent(messages, this.mapping.eventSourceArn);
    const correlationId = correlationIdOf(messages[0]?.Body);
    const outcome = await this.deps.invoke(event, {
      correlationId,
      source: this.options.shape === 'sns' ? 'sns' : `sqs×${messages.length}`,
    });
    const ids = messages.map((message) => message.MessageId ?? '');
    const failed = failedIdentifiers(outcome, ids, this.options.shape !== 'sns' && this.mapping.reportBatchItemFailures);
    const done = messages.filter((message) => !failed.has(message.MessageId ?? ''));
    if (done.length > 0) {
      await this.deps.queue.deleteMessages(
        this.options.queueUrl,
        done.map((message) => message.ReceiptHandle ?? ''),
      );
    }
    if (failed.size > 0) {
      this.deps.logger.line(
        'sqs',
        `${this.mapping.logicalId}: ${failed.size} of ${messages.length} message(s) failed; they return after the visibility timeout`,
      );
    }
  }

  private async receiveBatch(signal: AbortSignal): Promise<QueueMessage[]> {
    const batchSize = Math.max(1, this.options.shape === 'sns' ? 1 : this.mapping.batchSize);
    const windowMs = this.mapping.batchingWindowSeconds * 1000;
    const batch: QueueMessage[] = [];
    const first = await this.receive(Math.min(10, batchSize), this.options.waitTimeSeconds ?? 20, signal);
    batch.push(...first);
    if (batch.length === 0) return batch;
    const deadline = Date.now() + windowMs;
    while (batch.length < batchSize && Date.now() < deadline && !signal.aborted) {
      const waitSeconds = Math.min(20, Math.max(0, Math.floor((deadline - Date.now()) / 1000)));
      const more = await this.receive(Math.min(10, batchSize - batch.length), waitSeconds, signal);
      batch.push(...more);
      if (more.length === 0 && waitSeconds === 0) await sleep(Math.min(100, deadline - Date.now()), signal);
    }
    return batch;
  }

  private async receive(max: number, waitTimeSeconds: number, signal: AbortSignal): Promise<QueueMessage[]> {
    try {
      return await this.deps.queue.receiveMessages({ queueUrl: this.options.queueUrl, maxNumberOfMessages: max, waitTimeSeconds }, signal);
    } catch (error) {
      if (signal.aborted) return [];
      throw error;
    }
  }
}

/** Lambda's SQS event for a batch of received messages. */
export function toSqsEvent(messages: QueueMessage[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((message): SQSRecord => {
      const record: SQSRecord = {
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        attributes: (message.Attributes ?? {}) as unknown as SQSRecord['attributes'],
        messageAttributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            {
              stringValue: value.StringValue,
              binaryValue: value.BinaryValue,
              stringListValues: value.StringListValues ?? [],
              binaryListValues: value.BinaryListValues ?? [],
              dataType: value.DataType ?? 'String',
            },
          ]),
        ),
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: LOCAL_REGION,
      };
      if (message.MD5OfMessageAttributes)
        (record as SQSRecord & { md5OfMessageAttributes: string }).md5OfMessageAttributes = message.MD5OfMessageAttributes;
      return record;
    }),
  };
}

/** Lambda's SNS event for one SNS envelope (as SNS delivers it to a subscribed queue). */
export function toSnsEvent(message: QueueMessage, subscriptionArn: string): SNSEvent {
  const envelope = JSON.parse(message.Body ?? '{}') as Record<string, unknown>;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: String(envelope.Type ?? 'Notification'),
          MessageId: String(envelope.MessageId ?? message.MessageId),
          TopicArn: String(envelope.TopicArn ?? ''),
          Subject: (envelope.Subject as string | undefined) ?? (null as unknown as string),
          Message: String(envelope.Message ?? ''),
          Timestamp: String(envelope.Timestamp ?? new Date().toISOString()),
          SignatureVersion: String(envelope.SignatureVersion ?? '1'),
          Signature: String(envelope.Signature ?? 'local'),
          SigningCertUrl: String(envelope.SigningCertURL ?? ''),
          UnsubscribeUrl: String(envelope.UnsubscribeURL ?? ''),
          MessageAttributes: (envelope.MessageAttributes ?? {}) as SNSEvent['Records'][number]['Sns']['MessageAttributes'],
        },
      },
    ],
  };
}
