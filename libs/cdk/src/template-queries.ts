import type { Template } from 'aws-cdk-lib/assertions';
import { ShopCdkError } from './errors';

/**
 * Queries over a synthesized template for stack tests (`Template.fromStack(stack)`): what a role
 * may do, and the logical id of a resource. Types only from `aws-cdk-lib/assertions`, so apps load
 * nothing of it at synth time.
 */

/** One IAM policy statement as a synthesized template holds it. */
export interface TemplateStatement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
  readonly Sid?: string;
  readonly Condition?: unknown;
}

/** The statements of the IAM policies attached to the role whose logical id starts with `rolePrefix`. */
export const policyStatementsOf = (template: Template, rolePrefix: string): TemplateStatement[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: { Ref?: string }) => role.Ref?.startsWith(rolePrefix)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);

/** Every action of `statements` (one action or a list each), sorted. */
export const actionsOf = (statements: readonly TemplateStatement[]): string[] =>
  statements.flatMap((statement) => [statement.Action].flat()).sort();

/**
 * The logical id of the one resource of `type` whose logical id starts with `prefix`.
 * @throws ShopCdkError when there is none.
 */
export const logicalIdOf = (template: Template, type: string, prefix: string): string => {
  const id = Object.keys(template.findResources(type)).find((logicalId) => logicalId.startsWith(prefix));
  if (!id) throw new ShopCdkError(`No ${type} whose logical id starts with ${prefix}.`);
  return id;
};

/** The resource types whose replacement loses data or messages: tables, queues, topics, user pools. */
export const STATEFUL_RESOURCE_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Cognito::UserPool',
] as const;

/**
 * The logical ids of the template's stateful resources ({@link STATEFUL_RESOURCE_TYPES}), sorted, as
 * `<type> <logicalId>`. A stack test pins them, so a refactoring that would replace a table, queue
 * or topic on the next deploy (a new logical id is a new resource) fails before it ships.
 */
export const statefulLogicalIds = (template: Template): string[] =>
  STATEFUL_RESOURCE_TYPES.flatMap((type) => Object.keys(template.findResources(type)).map((logicalId) => `${type} ${logicalId}`)).sort();

/** The properties of an `AWS::CloudWatch::Alarm` as a synthesized template holds them. */
export type TemplateAlarm = Record<string, unknown>;

/**
 * The metric names an alarm watches: its `MetricName`, or those of the metrics inside its metric
 * math, in order (`['Errors', 'Invocations']` for an error rate).
 */
export const alarmMetricNames = (alarm: TemplateAlarm): string[] => {
  if (typeof alarm.MetricName === 'string') return [alarm.MetricName];
  const metrics = (alarm.Metrics ?? []) as { MetricStat?: { Metric?: { MetricName?: string } } }[];
  return metrics.flatMap((metric) => (metric.MetricStat?.Metric?.MetricName ? [metric.MetricStat.Metric.MetricName] : []));
};

/** The properties of every alarm of the template that watches `metricName` (alone or in metric math). */
export const alarmsOn = (template: Template, metricName: string): TemplateAlarm[] =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm'))
    .map((alarm) => alarm.Properties as TemplateAlarm)
    .filter((alarm) => alarmMetricNames(alarm).includes(metricName));

/**
 * How many alarms the template has per watched metric, keyed by the metric names joined with `/`
 * (`Errors/Invocations` for an error rate): a stack test's view of its standard alarms.
 */
export const alarmCountsByMetric = (template: Template): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
    const key = alarmMetricNames(alarm.Properties).join('/');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

/** One widget of a dashboard body. */
export interface DashboardWidget {
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/**
 * The widgets of the template's one `AWS::CloudWatch::Dashboard`. Tokens inside the body (alarm
 * ARNs, the region) are kept as text, e.g. `${{'Fn::GetAtt':['FnErrorRateAlarm1234','Arn']}}`.
 * @throws ShopCdkError unless the template has exactly one dashboard.
 */
export const dashboardWidgets = (template: Template): DashboardWidget[] => {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  if (dashboards.length !== 1) throw new ShopCdkError(`Expected one dashboard, found ${dashboards.length}.`);
  const body: unknown = dashboards[0].Properties.DashboardBody;
  const parts = typeof body === 'string' ? [body] : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts.map((part) => (typeof part === 'string' ? part : `\${${JSON.stringify(part).replaceAll('"', "'")}}`)).join('');
  return (JSON.parse(text) as { widgets: DashboardWidget[] }).widgets;
};

/**
 * The logical ids of the resources that the alarms on `metricName` watch (the `Ref` or `Fn::GetAtt`
 * values of their dimensions), sorted and without repeats: with the template's function ids, a
 * stack test proves that every function has the alarm.
 */
export const alarmedResources = (template: Template, metricName: string): string[] => {
  type Dimension = { Value?: { Ref?: string; 'Fn::GetAtt'?: [string, string] } | string };
  const dimensionsOf = (alarm: TemplateAlarm): Dimension[] => [
    ...((alarm.Dimensions ?? []) as Dimension[]),
    ...((alarm.Metrics ?? []) as { MetricStat?: { Metric?: { Dimensions?: Dimension[] } } }[]).flatMap(
      (metric) => metric.MetricStat?.Metric?.Dimensions ?? [],
    ),
  ];
  const ids = alarmsOn(template, metricName)
    .flatMap(dimensionsOf)
    .flatMap(({ Value }) => (typeof Value === 'object' ? [Value.Ref ?? Value['Fn::GetAtt']?.[0]] : []))
    .filter((id): id is string => id !== undefined);
  return [...new Set(ids)].sort();
};
