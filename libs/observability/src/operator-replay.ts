import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { resolveCorrelationId } from './correlation-id';
import type { LogSink, MetricSink } from './observability';

/** What an operator replay handler reports to. */
export interface ReplayObservers {
  readonly logger: Pick<LogSink, 'info' | 'debug'>;
  readonly metrics: MetricSink;
}

/** The part of a replay run's outcome the handler logs and answers in every service. */
export interface ReplayRunOutcome {
  readonly published: number;
  readonly nextCursor?: string;
  readonly stoppedBy: string;
}

/** What differs between the operator replays of the services; {@link createOperatorReplay} does the rest. */
export interface OperatorReplay<
  I extends { readonly correlationId?: string },
  E extends { readonly type: string; readonly id: string },
  R,
  O,
> {
  /** Parses the payload (`parseOperatorPayload` with the replay's schema); throws `ValidationError`. */
  readonly parse: (event: unknown) => I;
  /** The first log line, and its fields from the payload. */
  readonly starting: readonly [message: string, fields: (input: I) => Record<string, unknown>];
  /** The fields of an event's debug line besides `eventId`. */
  readonly eventFields: (event: E) => Record<string, unknown>;
  /** The use case, given the observed publish, the run's correlation id and the time left. */
  readonly run: (
    input: I,
    run: { readonly publish: (event: E) => Promise<void>; readonly correlationId: string; readonly remainingTimeMs: () => number },
  ) => Promise<R & ReplayRunOutcome>;
  /** The last log line when the run read to the end, and when it left a `nextCursor`. */
  readonly finished: readonly [done: string, partial: string];
  /** What the service adds to the last log line and to the answer (besides published, nextCursor, stoppedBy, correlationId). */
  readonly details: (result: R & ReplayRunOutcome) => { readonly log: Record<string, unknown>; readonly output: O };
}

/** What an operator replay answers, with the service's details `O`: resume with `nextCursor` while it is there. */
export type OperatorReplayOutput<O> = {
  readonly published: number;
  readonly nextCursor?: string;
  /** The run's correlation id (its log lines). */
  readonly correlationId: string;
} & O;

/** An operator replay's handler function (before `withObservability`). */
export type OperatorReplayHandler<O> = (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<O>;

/**
 * The handler of an operator replay (`aws lambda invoke`): parses the payload, takes its
 * `correlationId` or the one the observability middleware resolved, logs the start, runs the
 * replay with a publish that counts each event in the `<type>Republished` metric and logs it at
 * debug level, logs how the run ended (to the end, or part of it with the cursor to re-invoke
 * with), and answers `{ published, nextCursor?, ...details, correlationId }`.
 */
export const createOperatorReplay =
  <I extends { readonly correlationId?: string }, E extends { readonly type: string; readonly id: string }, R, O>(
    replay: OperatorReplay<I, E, R, O>,
    publish: (event: E) => Promise<void>,
    { logger, metrics }: ReplayObservers,
  ) =>
  async (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<OperatorReplayOutput<O>> => {
    const input = replay.parse(event);
    // Same id as the observability middleware put on the logs (resolved once per event object).
    const correlationId = input.correlationId ?? resolveCorrelationId(event);
    logger.info(replay.starting[0], replay.starting[1](input));

    const result = await replay.run(input, {
      publish: async (republished: E) => {
        await publish(republished);
        metrics.addMetric(`${republished.type}Republished`, MetricUnit.Count, 1);
        logger.debug(`Republished ${republished.type}`, { eventId: republished.id, ...replay.eventFields(republished) });
      },
      correlationId,
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
    });

    const details = replay.details(result);
    const [done, partial] = replay.finished;
    logger.info(result.nextCursor === undefined ? done : partial, {
      published: result.published,
      stoppedBy: result.stoppedBy,
      nextCursor: result.nextCursor,
      ...details.log,
    });
    return {
      published: result.published,
      ...(result.nextCursor !== undefined && { nextCursor: result.nextCursor }),
      ...details.output,
      correlationId,
    };
  };
