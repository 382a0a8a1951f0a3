import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { nagFindings } from './nag';
import { ServiceTopic } from './service-topic';
import { testStack } from './testing/test-stack';

describe('ServiceTopic', () => {
  it('encrypts with the AWS-managed SNS key and denies publishing without TLS', () => {
    const stack = testStack();
    new ServiceTopic(stack, 'Events');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: 'alias/aws/sns' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    expect(nagFindings(stack)).toEqual([]);
  });

  it('grants sns:Publish on itself only, with no KMS grant for the AWS-managed key', () => {
    const stack = testStack();
    const topic = new ServiceTopic(stack, 'Events');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    topic.grantPublish(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^EventsTopic') } }],
      },
    });
  });

  it('publishes its ARN in SSM', () => {
    const stack = testStack();
    new ServiceTopic(stack, 'Events').publishArn('dev', 'product');
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/dev/product/topic-arn',
      Value: { Ref: Match.stringLikeRegexp('^EventsTopic') },
    });
  });
});
