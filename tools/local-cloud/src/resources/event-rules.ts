import { eventBusNameOf } from '../assembly/naming';
import { propertiesOf, readEach, resourceKind, type ResourceBase } from './kind';

declare module './kind' {
  interface ModelDefs {
    eventBuses: EventBusDef[];
    rules: RuleDef[];
  }
}

/** One target of an EventBridge rule. */
export interface EventTargetDef {
  id: string;
  arn: string;
  kind: 'lambda' | 'sqs' | 'sns' | 'states' | 'events' | 'unsupported';
  /** Constant JSON text sent instead of the event. */
  input?: string;
  /** JSONPath of the part of the event sent. */
  inputPath?: string;
  inputTransformer?: { inputPathsMap: Record<string, string>; inputTemplate: string };
  /** EventBridge's defaults: 185 attempts, 24 hours. */
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  /** SQS queue ARN that gets the events EventBridge could not deliver. */
  deadLetterArn?: string;
  /** `SqsParameters.MessageGroupId` for a FIFO queue. */
  messageGroupId?: string;
}

/** `AWS::Events::Rule`: an event pattern or a schedule, on one event bus, with its targets. */
export interface RuleDef extends ResourceBase {
  name: string;
  arn: string;
  eventBusName: string;
  /** `State` ENABLED (or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS); DISABLED rules match nothing. */
  enabled: boolean;
  /** The pattern as the template gives it (object or JSON text); checked when the rule starts. */
  eventPattern?: unknown;
  scheduleExpression?: string;
  targets: EventTargetDef[];
}

/** `AWS::Events::EventBus`: a named bus (the default bus always exists). */
export interface EventBusDef extends ResourceBase {
  name: string;
  arn: string;
}

/** EventBridge's defaults for a target without a RetryPolicy. */
const DEFAULT_TARGET_RETRY_ATTEMPTS = 185;
const DEFAULT_TARGET_EVENT_AGE_SECONDS = 86_400;

/** `AWS::Events::EventBus`: registered with the service's rules (see `rules`). */
export const eventBuses = resourceKind<'eventBuses', EventBusDef>({
  key: 'eventBuses',
  types: ['AWS::Events::EventBus'],
  read: (context) =>
    readEach(context, (logicalId) => ({
      ...context.base(logicalId),
      name: context.resolver.physicalName(logicalId),
      arn: String(context.resolver.getAtt(logicalId, 'Arn')),
    })),
  describe: (_model, runtime) => ({ eventBuses: runtime.events.listBuses() }),
});

/**
 * `AWS::Events::Rule` (pattern or schedule) with the service's event buses: EventBridge in
 * process; a redeploy replaces the service's rules and buses.
 */
export const rules = resourceKind<'rules', RuleDef, RuleDef[]>({
  key: 'rules',
  types: ['AWS::Events::Rule'],
  read: (context) =>
    readEach(context, (logicalId) => {
      const props = propertiesOf(context.resolver, logicalId);
      const state = String(props('State') ?? 'ENABLED');
      const targets = ((props('Targets') as Record<string, unknown>[] | undefined) ?? []).map((target): EventTargetDef => {
        const arn = String(target.Arn);
        const retry = (target.RetryPolicy ?? {}) as { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
        const transformer = target.InputTransformer as { InputPathsMap?: Record<string, string>; InputTemplate?: string } | undefined;
        return {
          id: String(target.Id),
          arn,
          kind: targetKind(arn),
          input: target.Input === undefined ? undefined : String(target.Input),
          inputPath: target.InputPath === undefined ? undefined : String(target.InputPath),
          inputTransformer: transformer
            ? { inputPathsMap: transformer.InputPathsMap ?? {}, inputTemplate: String(transformer.InputTemplate ?? '') }
            : undefined,
          maximumRetryAttempts: Number(retry.MaximumRetryAttempts ?? DEFAULT_TARGET_RETRY_ATTEMPTS),
          maximumEventAgeSeconds: Number(retry.MaximumEventAgeInSeconds ?? DEFAULT_TARGET_EVENT_AGE_SECONDS),
          deadLetterArn: (target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn,
          messageGroupId: (target.SqsParameters as { MessageGroupId?: string } | undefined)?.MessageGroupId,
        };
      });
      return {
        ...context.base(logicalId),
        name: context.resolver.physicalName(logicalId),
        arn: String(context.resolver.getAtt(logicalId, 'Arn')),
        eventBusName: eventBusNameOf(props('EventBusName')),
        enabled: state !== 'DISABLED',
        eventPattern: props('EventPattern'),
        scheduleExpression: props('ScheduleExpression') === undefined ? undefined : String(props('ScheduleExpression')),
        targets,
      };
    }),
  apply: async (defs, { runtime, model, service }) => {
    runtime.events.unregister(service);
    runtime.events.register(
      defs,
      model.eventBuses.filter((bus) => bus.service === service),
    );
    return defs;
  },
  describe: (_model, runtime) => ({ rules: runtime.events.describe() }),
  report: (defs) => ({ rules: defs.length }),
});

function targetKind(arn: string): EventTargetDef['kind'] {
  const service = arn.split(':')[2];
  if (service === 'lambda') return 'lambda';
  if (service === 'sqs') return 'sqs';
  if (service === 'sns') return 'sns';
  if (service === 'states' && arn.includes(':stateMachine:')) return 'states';
  if (service === 'events' && arn.includes(':event-bus/')) return 'events';
  return 'unsupported';
}
