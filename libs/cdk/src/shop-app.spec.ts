import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { FEATURE_FLAGS, createShopApp } from './shop-app';

describe('createShopApp', () => {
  it('pins the feature flags and reads the stage from the context', () => {
    const { app, stage } = createShopApp({ context: { stage: 'local' } });
    expect(stage.stage).toBe('local');
    expect(app.node.tryGetContext('@aws-cdk/aws-iam:minimizePolicies')).toBe(FEATURE_FLAGS['@aws-cdk/aws-iam:minimizePolicies']);
  });

  it('fails synthesis on an unacknowledged cdk-nag finding', () => {
    const { app } = createShopApp();
    const stack = new Stack(app, 'Unsafe');
    new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });

  it('synthesizes a clean app', () => {
    const { app } = createShopApp();
    new ssm.StringParameter(new Stack(app, 'Clean'), 'Param', { stringValue: 'value' });
    expect(() => app.synth()).not.toThrow();
  });
});
