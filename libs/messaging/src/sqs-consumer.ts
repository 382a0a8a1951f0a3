import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { fieldIssuesFromZod, PARSE_OPTIONS } from '@shop/domain';
import { MetricUnit, type LogSink, type MetricSink } from '@shop/observability';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { MessageValidationError } from './errors';
// Types only (erased from bundles): the idempotency layer itself comes from `@shop/messaging/idempotency`.
import type { MessageIdempotency } from './idempotency';
import { unwrapMessageBody } from './message-body';

/** What a message handler learns besides the parsed message. */
export interface MessageContext {
  /** The SQS record the message came in. */
  readonly record: SQSRecord;
  /** How many times SQS has delivered this message (1 on the first delivery). */
  readonly receiveCount: number;
}

/** A logger that can also tag every following line with a correlation id (a Powertools `Logger`). */
export type MessageLogger = Pick<LogSink, 'debug' | 'info' | 'warn'> & {
  setCorrelationId(value: unknown): void;
};

/** Options of {@link createSqsConsumer}. */
export interface SqsConsumerOptions<S extends z.core.$ZodType> {
  /**
   * The contract schema every message must satisfy, e.g. `OrderConfirmedSchema` (or a union for a
   * queue that receives several types). A message that fails it is a failed record: retried, then DLQ.
   */
  readonly schema: S;
  /** Handles one parsed message; throw to fail the record (it is retried, then dead-lettered). */
  readonly handle: (message: z.output<S>, context: MessageContext) => Promise<unknown>;
  /** The service logger; each record's envelope correlation id is set on it before `handle` runs. */
  readonly logger: MessageLogger;
  /** Counts `MessagesProcessed` and `MessagesFailed`. @default - no metrics */
  readonly metrics?: MetricSink;
  /**
   * Makes `handle` idempotent: `createMessageIdempotency({ store, consumer, keyPath })` of
   * `@shop/messaging/idempotency`, keyed by the envelope id (`keyPath: 'id'`) or a business key
   * (`keyPath: 'data.orderId'`), recorded with a conditional put in the service table. Leave it out
   * where `handle` is idempotent by itself (e.g. its own conditional put keyed by the business id).
   * @default - no idempotency layer
   */
  readonly idempotency?: MessageIdempotency;
}

const correlationIdOf = (message: unknown): string | undefined => {
  if (typeof message !== 'object' || message === null || !('correlationId' in message)) return undefined;
  return typeof message.correlationId === 'string' ? message.correlationId : undefined;
};

/**
 * Builds an SQS batch handler (event source mapping with `ReportBatchItemFailures`) on Powertools
 * batch: each record's body is unwrapped (direct `SendMessage`, SNS raw delivery, or SNS
 * notification), parsed with the contract schema and handed to `handle`, one record at a time so
 * the logger carries the right correlation id. Failed records (bad JSON, schema mismatch, a
 * throwing handler) are returned in `batchItemFailures`; the others are deleted by Lambda.
 *
 * @example
 * export const handler = withObservability(
 *   createSqsConsumer({ schema: OrderConfirmedSchema, handle: createShipment, logger, metrics }),
 *   { observability, correlationId: () => undefined },
 * );
 */
export const createSqsConsumer = <S extends z.core.$ZodType>(options: SqsConsumerOptions<S>) => {
  const { schema, logger, metrics } = options;
  const processor = new BatchProcessor(EventType.SQS);
  const idempotent = options.idempotency?.wrap(options.handle);
  const handle = idempotent?.handle ?? options.handle;

  const processRecord = async (record: SQSRecord): Promise<void> => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    try {
      const body = unwrapMessageBody(record.body, record.messageId);
      // Tag the logs before validating, so even a rejected message is traceable to its flow.
      const correlationId = correlationIdOf(body);
      if (correlationId) logger.setCorrelationId(correlationId);
      const parsed = z.safeParse(schema, body, PARSE_OPTIONS);
      if (!parsed.success) {
        throw new MessageValidationError(record.messageId, fieldIssuesFromZod(parsed.error), { cause: parsed.error });
      }
      await handle(parsed.data, { record, receiveCount });
      metrics?.addMetric('MessagesProcessed', MetricUnit.Count, 1);
      logger.debug('Processed a message', { messageId: record.messageId, receiveCount });
    } catch (error) {
      metrics?.addMetric('MessagesFailed', MetricUnit.Count, 1);
      logger.warn('A message failed; it will be retried, then dead-lettered', {
        messageId: record.messageId,
        receiveCount,
        error,
      });
      throw error;
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    idempotent?.registerLambdaContext(context);
    return processPartialResponse(event, processRecord, processor, {
      context,
      processInParallel: false,
      // A batch where every record failed is still a partial response (all ids), not an exception:
      // the same retry, without a misleading invocation error.
      throwOnFullBatchFailure: false,
    });
  };
};
