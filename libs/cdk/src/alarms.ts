import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { lookup } from './ssm-discovery';
import type { StageConfig } from './stage-config';

/** Name of the SSM parameter (under the platform service) holding the ops alarm topic's ARN. */
export const ALARM_TOPIC_PARAMETER = 'alarm-topic-arn';

/**
 * Adds the stage's alarm actions to `alarm`: with `alarmActions: 'ops-topic'`, the platform's ops
 * topic (found through SSM, so no stack imports another); with `'none'`, nothing.
 */
export const addStageAlarmActions = (alarm: cloudwatch.Alarm, stage: StageConfig): void => {
  if (stage.alarmActions !== 'ops-topic') return;
  const scope = alarm.node.scope as Construct;
  const topic = sns.Topic.fromTopicArn(scope, `${alarm.node.id}OpsTopic`, lookup(scope, stage.stage, 'platform', ALARM_TOPIC_PARAMETER));
  alarm.addAlarmAction(new actions.SnsAction(topic));
};

/**
 * How one of the standard alarms evaluates its metric. Every field left out takes the default that
 * the construct owning the alarm documents (with its reason).
 * @typeParam T the threshold's type: a number in the metric's unit, or a `Duration` for ages and latencies.
 */
export interface AlarmSettings<T = number> {
  /** The value the metric is compared with. */
  readonly threshold?: T;
  /** The length of one datapoint. */
  readonly period?: Duration;
  /** How many of the most recent datapoints are evaluated. */
  readonly evaluationPeriods?: number;
  /** How many of the evaluated datapoints must breach for the alarm to fire. */
  readonly datapointsToAlarm?: number;
}

/** What {@link standardAlarm} needs besides the scope and id. */
export interface StandardAlarmProps {
  /** The stage: where the alarm notifies ({@link addStageAlarmActions}). */
  readonly stage: StageConfig;
  /** What is wrong when the alarm fires, and where to look: the alarm's description. */
  readonly description: string;
  /** The watched metric (or metric math); its period is replaced by the settings' period. */
  readonly metric: cloudwatch.Metric | cloudwatch.MathExpression;
  /** How the metric is compared with the threshold. */
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  /** The construct's documented defaults. */
  readonly defaults: Required<AlarmSettings>;
  /** The caller's overrides of those defaults. @default - the defaults */
  readonly settings?: AlarmSettings;
}

/**
 * One of the shop's standard alarms: `metric` over `period`, firing when `datapointsToAlarm` of the
 * last `evaluationPeriods` datapoints breach `threshold`. Missing data is not breaching (a function
 * or queue with no traffic is healthy), and the alarm notifies where the stage says.
 */
export const standardAlarm = (scope: Construct, id: string, props: StandardAlarmProps): cloudwatch.Alarm => {
  const { threshold, period, evaluationPeriods, datapointsToAlarm } = { ...props.defaults, ...withoutUndefined(props.settings) };
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric.with({ period }),
    threshold,
    evaluationPeriods,
    datapointsToAlarm,
    comparisonOperator: props.comparisonOperator,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  addStageAlarmActions(alarm, props.stage);
  return alarm;
};

/**
 * Converts the threshold of `settings` with `toNumber` (e.g. a `Duration` to the metric's unit),
 * keeping the other fields.
 */
export const numericSettings = <T>(settings: AlarmSettings<T> | undefined, toNumber: (threshold: T) => number): AlarmSettings | undefined =>
  settings && { ...settings, threshold: settings.threshold === undefined ? undefined : toNumber(settings.threshold) };

const withoutUndefined = <T extends object>(value: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([, field]) => field !== undefined)) as Partial<T>;
