import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
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
  const topic = sns.Topic.fromTopicArn(
    scope,
    `${alarm.node.id}OpsTopic`,
    lookup(scope, stage.stage, 'platform', ALARM_TOPIC_PARAMETER),
  );
  alarm.addAlarmAction(new actions.SnsAction(topic));
};
