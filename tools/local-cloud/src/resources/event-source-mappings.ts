import { eventSourceMappingRefusal } from '../iam/on-behalf';
import { functionNameOf, queueNameOf, queueUrl } from '../assembly/naming';
import { SqsPoller } from '../pollers/sqs-poller';
import { keepCheckpoints, keptCheckpoints } from '../persist/stream-checkpoints';
import { StreamPoller } from '../pollers/stream-poller';
import { compileRecordFilter, MAX_FILTERS_PER_MAPPING } from '../events/record-filter';
import type { Logger } from '../log';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    eventSourceMappings: EventSourceMappingDef[];
  }
}

export interface EventSourceMappingDef extends ResourceBase {
  uuid: string;
  functionName: string;
  eventSourceArn: string;
  kind: 'sqs' | 'dynamodb-stream' | 'unsupported';
  enabled: boolean;
  batchSize: number;
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  startingPosition: string;
  /** -1 (the default for streams): retry until the record succeeds. */
  maximumRetryAttempts: number;
  /** -1 (the default): records are never too old to retry. */
  maximumRecordAgeSeconds: number;
  bisectBatchOnFunctionError: boolean;
  maximumConcurrency?: number;
  onFailureDestination?: string;
  filterPatterns: string[];
}

type Poller = SqsPoller | StreamPoller;

/** A mapping's key in the kept stream positions (`--persist`). */
const mappingKey = (mapping: Pick<EventSourceMappingDef, 'stackName' | 'logicalId'>) => `${mapping.stackName}/${mapping.logicalId}`;

/**
 * `AWS::Lambda::EventSourceMapping` on SQS (a long-polling receive loop) or on a DynamoDB stream
 * (shard readers). A redeploy stops the old pollers first; stream pollers hand their positions
 * to their successors (same logical id), so no record is read twice or skipped.
 */
export const eventSourceMappings = resourceKind<'eventSourceMappings', EventSourceMappingDef, Poller[]>({
  key: 'eventSourceMappings',
  types: ['AWS::Lambda::EventSourceMapping'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const props = propertiesOf(context.resolver, logicalId);
      const eventSourceArn = String(props('EventSourceArn') ?? '');
      const kind = eventSourceArn.startsWith('arn:aws:sqs:')
        ? 'sqs'
        : /^arn:aws:dynamodb:.*\/stream\//.test(eventSourceArn)
          ? 'dynamodb-stream'
          : 'unsupported';
      const filters = (props('FilterCriteria') as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? [];
      const destination = (props('DestinationConfig') as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure?.Destination;
      return {
        ...context.base(logicalId),
        uuid: String(context.resolver.ref(logicalId)),
        functionName: functionNameOf(String(props('FunctionName'))),
        eventSourceArn,
        kind,
        enabled: props('Enabled') !== false && props('Enabled') !== 'false',
        batchSize: Number(props('BatchSize') ?? (kind === 'sqs' ? 10 : 100)),
        batchingWindowSeconds: Number(props('MaximumBatchingWindowInSeconds') ?? 0),
        reportBatchItemFailures: ((props('FunctionResponseTypes') as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
        startingPosition: String(props('StartingPosition') ?? 'LATEST'),
        maximumRetryAttempts: Number(props('MaximumRetryAttempts') ?? -1),
        maximumRecordAgeSeconds: Number(props('MaximumRecordAgeInSeconds') ?? -1),
        bisectBatchOnFunctionError: props('BisectBatchOnFunctionError') === true,
        maximumConcurrency: (props('ScalingConfig') as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency,
        onFailureDestination: destination,
        filterPatterns: filters.map((filter) => filter.Pattern),
      };
    }),
  apply: async (defs, { runtime }, previous) => {
    const checkpoints = new Map<string, Map<string, string>>();
    for (const poller of previous ?? []) {
      if (poller instanceof StreamPoller) checkpoints.set(poller.mapping.logicalId, poller.checkpoints);
      await poller.stop();
    }
    for (const mapping of defs) {
      if (mapping.kind === 'unsupported')
        runtime.logger.warn(`event source mapping ${mapping.stackName}/${mapping.logicalId} on ${mapping.eventSourceArn} is not emulated`);
      if (mapping.filterPatterns.length > MAX_FILTERS_PER_MAPPING)
        runtime.logger.warn(
          `event source mapping ${mapping.stackName}/${mapping.logicalId}: ${mapping.filterPatterns.length} filters, more than Lambda's default quota of ${MAX_FILTERS_PER_MAPPING} (all are applied locally)`,
        );
    }
    const [messaging, dynamodb] = await Promise.all([runtime.messaging(), runtime.dynamodb()]);
    const pollers: Poller[] = [];
    const permitted = (mapping: EventSourceMappingDef) => {
      const refused = eventSourceMappingRefusal(runtime.iamGate, mapping);
      if (refused) runtime.logger.warn(`event source mapping ${mapping.stackName}/${mapping.logicalId} not started: ${refused}`);
      return !refused;
    };
    for (const mapping of defs.filter(
      (candidate) => candidate.enabled && filtersValid(candidate, runtime.logger) && permitted(candidate),
    )) {
      if (mapping.kind === 'sqs') {
        pollers.push(
          new SqsPoller(
            mapping,
            { queue: messaging.queueApi, invoke: runtime.invokerFor(mapping.functionName), logger: runtime.logger },
            // As many batches in flight as the function has instances (Lambda scales SQS pollers up to the function's concurrency).
            {
              queueUrl: queueUrl(messaging.endpoint, queueNameOf(mapping.eventSourceArn)),
              concurrency: runtime.concurrencyOf(mapping.functionName),
            },
          ),
        );
      } else if (mapping.kind === 'dynamodb-stream') {
        pollers.push(
          new StreamPoller(
            mapping,
            {
              streams: {
                describeTable: (name) => dynamodb.describeTable(name),
                streamsCall: (operation, body, signal) => dynamodb.streamsCall(operation, body, signal),
              },
              invoke: runtime.invokerFor(mapping.functionName),
              sendToDestination: (arn, payload) => runtime.destinations.send(arn, payload),
              logger: runtime.logger,
            },
            {
              checkpoints:
                checkpoints.get(mapping.logicalId) ??
                (runtime.options.dataDir && !previous ? keptCheckpoints(runtime.options.dataDir, mappingKey(mapping)) : undefined),
              retryBaseMs: 500 * runtime.retryDelayScale,
              retryMaxMs: 10_000 * runtime.retryDelayScale,
            },
          ),
        );
      }
    }
    for (const poller of pollers) poller.start();
    await Promise.all(pollers.map((poller) => (poller instanceof StreamPoller ? poller.ready : undefined)));
    return pollers;
  },
  teardown: async (state, { runtime }, next) => {
    if (next) return;
    await Promise.allSettled(state.map((poller) => poller.stop()));
    const { dataDir } = runtime.options;
    if (dataDir) {
      const streams = state.filter((poller): poller is StreamPoller => poller instanceof StreamPoller);
      keepCheckpoints(
        dataDir,
        streams.map((poller) => [mappingKey(poller.mapping), poller.checkpoints]),
      );
    }
  },
  describe: (model) => ({
    eventSourceMappings: model?.eventSourceMappings.map(
      ({ service, logicalId, kind, functionName, eventSourceArn, batchSize, filterPatterns }) => ({
        service,
        logicalId,
        kind,
        functionName,
        eventSourceArn,
        batchSize,
        filterPatterns,
      }),
    ),
  }),
});

/** An invalid FilterCriteria pattern is refused by CreateEventSourceMapping: the mapping is named and not started. */
function filtersValid(mapping: EventSourceMappingDef, logger: Logger): boolean {
  if (mapping.kind === 'unsupported') return true;
  try {
    compileRecordFilter(mapping.filterPatterns, mapping.kind);
    return true;
  } catch (error) {
    logger.warn(`event source mapping ${mapping.stackName}/${mapping.logicalId} not started: FilterCriteria: ${(error as Error).message}`);
    return false;
  }
}
