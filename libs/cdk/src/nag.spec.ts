import * as iam from 'aws-cdk-lib/aws-iam';
import { InvalidNagSuppressionError, nagFindings, suppressNag } from './nag';
import { testStack } from './testing/test-stack';

const roleWithWildcard = () => {
  const stack = testStack();
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }));
  return { stack, role };
};

describe('nagFindings', () => {
  it('reports an unacknowledged wildcard with its rule, finding and construct path', () => {
    const { stack } = roleWithWildcard();
    expect(nagFindings(stack)).toEqual(['AwsSolutions-IAM5[Resource::*] TestStack/Role/DefaultPolicy/Resource']);
  });
});

describe('suppressNag', () => {
  it('acknowledges exactly the listed findings', () => {
    const { stack, role } = roleWithWildcard();
    suppressNag(role, [
      { id: 'AwsSolutions-IAM5', appliesTo: ['Resource::*'], reason: 'X-Ray actions support no resource-level permissions.' },
    ]);
    expect(nagFindings(stack)).toEqual([]);
  });

  it('does not hide other findings of the same rule', () => {
    const { stack, role } = roleWithWildcard();
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::bucket/*'] }));
    suppressNag(role, [
      { id: 'AwsSolutions-IAM5', appliesTo: ['Resource::*'], reason: 'X-Ray actions support no resource-level permissions.' },
    ]);
    expect(nagFindings(stack)).toEqual([
      'AwsSolutions-IAM5[Action::s3:*] TestStack/Role/DefaultPolicy/Resource',
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*] TestStack/Role/DefaultPolicy/Resource',
    ]);
  });

  it('refuses a suppression without a real reason', () => {
    const { role } = roleWithWildcard();
    expect(() => suppressNag(role, [{ id: 'AwsSolutions-SQS3', reason: 'n/a' }])).toThrow(InvalidNagSuppressionError);
  });

  it('refuses an IAM5 suppression that does not name its findings', () => {
    const { role } = roleWithWildcard();
    expect(() => suppressNag(role, [{ id: 'AwsSolutions-IAM5', reason: 'Wildcards are fine here, trust me.' }])).toThrow(
      'must list appliesTo',
    );
  });
});
