import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '@shop/domain';
import { envelopeMessageAttributes } from './message-attributes';

/** Sends commands to their owner's queue; the port a domain declares and {@link SqsCommandSender} implements. */
export interface CommandSender<C extends EventEnvelope = EventEnvelope> {
  send(command: C): Promise<void>;
}

/**
 * Sends command envelopes (e.g. `PlaceOrder`) to the owning service's queue with SQS `SendMessage`:
 * the JSON envelope as the body, `type` and `correlationId` as String message attributes.
 * The queue URL comes from the owner's SSM parameter (`/shop/<stage>/<owner>/<name>-queue-url`),
 * resolved at deploy time into the function's environment.
 */
export class SqsCommandSender<C extends EventEnvelope = EventEnvelope> implements CommandSender<C> {
  /**
   * @param sqs an SQS client (built once per module, optionally tracer-wrapped); only `send` is used.
   * @param queueUrl the owner's command queue.
   */
  constructor(
    private readonly sqs: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
  ) {}

  async send(command: C): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(command),
        MessageAttributes: envelopeMessageAttributes(command),
      }),
    );
  }
}
