import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord, SNSEvent } from 'aws-lambda';
import type { EventSourceMappingDef } from '../assembly/model';
import { LOCAL_REGION } from '../assembly/naming';
import type { InvokeOptions, InvokeOutcome } from '../lambda/function-pool';
import type { Logger } from '../log';
import { correlationIdOf, failedIdentifiers, sleep } from './batch-result';

export interface SqsPollerDeps {
  sqs: Pick<SQSClient, 'send'>;
  invoke: (event: unknown, options: InvokeOptions) => Promise<InvokeOutcome>;
  logger: Logger;
}

export interface SqsPollerOptions {
  queueUrl: string;
  /** Long-poll wait per ReceiveMessage (s). */
  waitTimeSeconds?: number;
  /** Number of concurrent polling loops (Lambda starts several pollers per queue). */
  pollers?: number;
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
 */
export class SqsPoller {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    readonly mapping: EventSourceMappingDef,
    private readonly deps: SqsPollerDeps,
    private readonly options: SqsPollerOptions,
  ) {}

  start(): void {
    const pollers = Math.max(1, Math.min(this.options.pollers ?? 2, this.mapping.maximumConcurrency ?? Number.POSITIVE_INFINITY));
    for (let i = 0; i < pollers; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
      } catch (error) {
        if (signal.aborted) return;
        this.deps.logger.warn(`sqs poller ${this.mapping.logicalId}: ${(error as Error).message}`);
        await sleep(1000, signal);
      }
    }
  }

  /** One receive-invoke-delete round; returns how many messages it handled. */
  async pollOnce(signal: AbortSignal = this.abort.signal): Promise<number> {
    const messages = await this.receiveBatch(signal);
    if (messages.length === 0 || signal.aborted) return messages.length;
    if (this.options.shape === 'sns') {
      for (const message of messages) await this.deliver([message]);
    } else {
      await this.deliver(messages);
    }
    return messages.length;
  }

  private async deliver(messages: Message[]): Promise<void> {
    const event = this.options.shape === 'sns' ? toSnsEvent(messages[0], this.options.subscriptionArn ?? '') : toSqsEvent(messages, this.mapping.eventSourceArn);
    const correlationId = correlationIdOf(messages[0]?.Body);
    const outcome = await this.deps.invoke(event, { correlationId, source: this.options.shape === 'sns' ? 'sns' : `sqs×${messages.length}` });
    const ids = messages.map((message) => message.MessageId ?? '');
    const failed = failedIdentifiers(outcome, ids, this.options.shape !== 'sns' && this.mapping.reportBatchItemFailures);
    const done = messages.filter((message) => !failed.has(message.MessageId ?? ''));
    if (done.length > 0) {
      await this.deps.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
    if (failed.size > 0) {
      this.deps.logger.line('sqs', `${this.mapping.logicalId}: ${failed.size} of ${messages.length} message(s) failed; they return after the visibility timeout`);
    }
  }

  private async receiveBatch(signal: AbortSignal): Promise<Message[]> {
    const batchSize = Math.max(1, this.options.shape === 'sns' ? 1 : this.mapping.batchSize);
    const windowMs = this.mapping.batchingWindowSeconds * 1000;
    const batch: Message[] = [];
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

  private async receive(max: number, waitTimeSeconds: number, signal: AbortSignal): Promise<Message[]> {
    try {
      const result = await this.deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      );
      return result.Messages ?? [];
    } catch (error) {
      if (signal.aborted) return [];
      throw error;
    }
  }
}

/** Lambda's SQS event for a batch of received messages. */
export function toSqsEvent(messages: Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((message): SQSRecord => {
      const record: SQSRecord = {
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        attributes: message.Attributes as SQSRecord['attributes'],
        messageAttributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            {
              stringValue: value.StringValue,
              binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
              stringListValues: value.StringListValues ?? [],
              binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
              dataType: value.DataType ?? 'String',
            },
          ]),
        ),
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: LOCAL_REGION,
      };
      if (message.MD5OfMessageAttributes) (record as SQSRecord & { md5OfMessageAttributes: string }).md5OfMessageAttributes = message.MD5OfMessageAttributes;
      return record;
    }),
  };
}

/** Lambda's SNS event for one SNS envelope (as SNS delivers it to a subscribed queue). */
export function toSnsEvent(message: Message, subscriptionArn: string): SNSEvent {
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
