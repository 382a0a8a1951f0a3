import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { numericSettings, standardAlarm } from './alarms';
import { stageConfig } from './stage-config';
import { testStack } from './testing/test-stack';

const metric = new cloudwatch.Metric({ namespace: 'Test', metricName: 'Load', statistic: 'Maximum', period: Duration.minutes(5) });
const defaults = { threshold: 10, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3 };

const alarmOf = (settings?: Parameters<typeof standardAlarm>[2]['settings'], stage = stageConfig('dev')) => {
  const stack = testStack();
  standardAlarm(stack, 'Load', {
    stage,
    description: 'Load is high.',
    metric,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    defaults,
    settings,
  });
  return Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))[0]?.Properties;
};

describe('standardAlarm', () => {
  it("evaluates the metric over the defaults' period, M of N, with missing data not breaching", () => {
    expect(alarmOf()).toEqual({
      AlarmDescription: 'Load is high.',
      Namespace: 'Test',
      MetricName: 'Load',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
  });

  it('takes the fields the settings give and keeps the defaults of the others (undefined is not a value)', () => {
    expect(alarmOf({ threshold: 2, period: undefined, evaluationPeriods: 1, datapointsToAlarm: 1 })).toEqual(
      expect.objectContaining({ Threshold: 2, Period: 60, EvaluationPeriods: 1, DatapointsToAlarm: 1 }),
    );
  });

  it('notifies the ops topic where the stage says so', () => {
    expect(alarmOf(undefined, stageConfig('prod'))?.AlarmActions).toEqual([
      { Ref: expect.stringMatching(/^SsmParameterValueshopprodplatformalarmtopicarn/) },
    ]);
  });
});

describe('numericSettings', () => {
  it('converts the threshold and keeps the rest', () => {
    expect(numericSettings({ threshold: Duration.minutes(2), datapointsToAlarm: 2 }, (d) => d.toSeconds())).toEqual({
      threshold: 120,
      datapointsToAlarm: 2,
    });
    expect(numericSettings({ evaluationPeriods: 3 }, (d: Duration) => d.toSeconds())).toEqual({
      evaluationPeriods: 3,
      threshold: undefined,
    });
    expect(numericSettings(undefined, (d: Duration) => d.toSeconds())).toBeUndefined();
  });
});
