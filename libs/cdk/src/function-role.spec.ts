import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FunctionRole, RESOURCELESS_ACTIONS, WildcardResourceError } from './function-role';
import { nagFindings } from './nag';
import { ServiceFunction } from './service-function';
import { stageConfig } from './stage-config';
import { acknowledgedFindings } from './testing/nag-acknowledgements';
import { inlineCode, testStack } from './testing/test-stack';

const role = () => {
  const stack = testStack();
  return { stack, role: new FunctionRole(stack, 'Role', { description: 'test' }) };
};

const write = new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: ['arn:aws:dynamodb:eu-west-1:111111111111:table/t'] });

describe('FunctionRole', () => {
  it('carries no acknowledgement when no statement is on "*", and is nag-clean', () => {
    const { stack, role: subject } = role();
    subject.addToPrincipalPolicy(write);
    Template.fromStack(stack);
    expect(acknowledgedFindings(stack)).toEqual([]);
    expect(nagFindings(stack)).toEqual([]);
  });

  it('acknowledges Resource::* on its default policy for a statement of resourceless actions, naming them', () => {
    const { stack, role: subject } = role();
    subject.addToPrincipalPolicy(write);
    subject.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }));
    Template.fromStack(stack);
    expect(acknowledgedFindings(stack)).toEqual([
      [
        'TestStack/Role/DefaultPolicy',
        'AwsSolutions-IAM5[Resource::*]',
        'dynamodb:ListStreams on "*": a DynamoDB stream event source (ListStreams supports no resource-level permissions).',
      ],
    ]);
    expect(nagFindings(stack)).toEqual([]);
  });

  it('acknowledges nothing else than Resource::* (a wildcard action is still reported)', () => {
    const { stack, role: subject } = role();
    subject.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }));
    subject.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:*'], resources: ['arn:aws:sqs:eu-west-1:111111111111:q'] }));
    expect(nagFindings(stack)).toEqual(['AwsSolutions-IAM5[Action::sqs:*] TestStack/Role/DefaultPolicy/Resource']);
  });

  it('fails synthesis when "*" is granted for an action that has resource-level permissions, even beside X-Ray', () => {
    const { stack, role: subject } = role();
    subject.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }));
    subject.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'xray:PutTelemetryRecords'], resources: ['*'] }));
    expect(() => Template.fromStack(stack)).toThrow('TestStack/Role is granted dynamodb:GetItem on Resource "*"');
    expect(new WildcardResourceError('TestStack/Role', ['dynamodb:GetItem']).name).toBe('WildcardResourceError');
  });

  it('ignores a Deny on "*"', () => {
    const { stack, role: subject } = role();
    subject.addToPrincipalPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['dynamodb:DeleteTable'], resources: ['*'] }));
    expect(() => Template.fromStack(stack)).not.toThrow();
    expect(acknowledgedFindings(stack)).toEqual([]);
  });

  it('names a reason for every resourceless action', () => {
    expect(Object.keys(RESOURCELESS_ACTIONS).sort()).toEqual(['dynamodb:ListStreams', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    for (const reason of Object.values(RESOURCELESS_ACTIONS)) expect(reason).toMatch(/no resource-level permissions/);
  });

  it('is the role of every ServiceFunction', () => {
    const stack = testStack();
    const fn = new ServiceFunction(stack, 'Fn', {
      service: 'product',
      name: 'router',
      stage: stageConfig('dev'),
      description: 'test',
      code: inlineCode(),
    });
    expect(fn.role).toBeInstanceOf(FunctionRole);
    expect(fn.function.role).toBe(fn.role);
  });
});
