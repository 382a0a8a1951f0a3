/**
 * @shop/messaging/saga-command: the functions a Step Functions saga invokes directly
 * (`lambda:invoke`), whichever service owns them: commands, compensations and the saga's own tasks.
 * A secondary entry point, apart from the barrel, so that a saga function's bundle gets none of the
 * SNS, SQS or batch code of `@shop/messaging`.
 */
import { parseOrThrow } from '@shop/domain';
import { MetricUnit, type LogSink, type MetricSink } from '@shop/observability';
import type * as z from 'zod/mini';

/** A level a saga command may log at besides `info`. */
export type SagaLogLevel = 'info' | 'warn';

/** What a saga command reports of one call: a log line, and a metric when something was done. */
export interface SagaCommandReport {
  /** Counted once (`Count`, 1). @default none */
  readonly metric?: string;
  /** The log message. */
  readonly message: string;
  /** The log line's fields. */
  readonly fields: Record<string, unknown>;
}

/** What is reported of an error the saga command expects (a business refusal, a transient outage). */
export interface SagaCommandRefusal<L extends SagaLogLevel> extends SagaCommandReport {
  /** @default 'info' */
  readonly level?: L;
}

/** How one saga command parses its payload, what it does and what it reports. */
export interface SagaCommandDefinition<S extends z.core.$ZodType, R, L extends SagaLogLevel = 'info'> {
  /** The payload's name in the `ValidationError` message: `The <payload> payload is not valid.` */
  readonly payload: string;
  /** The payload's contract. */
  readonly schema: S;
  /** The work, on the parsed payload; its result is the function's answer. */
  readonly run: (input: z.output<S>) => Promise<R>;
  /** What is reported (at `info`) when the work is done. */
  readonly report: (result: R, input: z.output<S>) => SagaCommandReport;
  /**
   * What is reported of an error the work throws, when it is one the command expects; `undefined`
   * for any other. Either way the error is then thrown as it is. @default nothing is reported
   */
  readonly refused?: (error: unknown, input: z.output<S>) => SagaCommandRefusal<L> | undefined;
}

/** What a saga command function needs besides its work's own dependencies. */
export interface SagaCommandDeps<L extends SagaLogLevel = 'info'> {
  readonly logger: Pick<LogSink, 'info' | L>;
  readonly metrics: MetricSink;
}

/**
 * Builds a function a saga invokes directly: it validates the payload against its contract (a
 * payload that breaks it fails with `ValidationError`, which the saga does not retry), runs the
 * work, and reports it: a metric when the report names one, one log line. An expected error
 * (`refused`) is reported too, then thrown as it is: errors keep their `name`, which the Lambda
 * runtime reports as the error type the state machine's Retry and Catch match on.
 */
export const createSagaCommand =
  <S extends z.core.$ZodType, R, L extends SagaLogLevel = 'info'>(definition: SagaCommandDefinition<S, R, L>, deps: SagaCommandDeps<L>) =>
  async (payload: unknown): Promise<R> => {
    const input = parseOrThrow(definition.schema, payload, `The ${definition.payload} payload is not valid.`);
    const report = (level: SagaLogLevel, { metric, message, fields }: SagaCommandReport) => {
      if (metric !== undefined) deps.metrics.addMetric(metric, MetricUnit.Count, 1);
      (deps.logger as Pick<LogSink, SagaLogLevel>)[level](message, fields);
    };
    let result: R;
    try {
      result = await definition.run(input);
    } catch (error) {
      const refusal = definition.refused?.(error, input);
      if (refusal) report(refusal.level ?? 'info', refusal);
      throw error;
    }
    report('info', definition.report(result, input));
    return result;
  };
