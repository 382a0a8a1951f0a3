import { Template } from 'aws-cdk-lib/assertions';
import { InvalidParameterSegmentError, lookup, parameterName, publish } from './ssm-discovery';
import { testStack } from './testing/test-stack';

describe('parameterName', () => {
  it('builds /shop/<stage>/<service>/<name>', () => {
    expect(parameterName('prod', 'product', 'topic-arn')).toBe('/shop/prod/product/topic-arn');
  });

  it('rejects segments that are not lower-case kebab-case', () => {
    expect(() => parameterName('dev', 'Product', 'topic-arn')).toThrow(InvalidParameterSegmentError);
    expect(() => parameterName('dev', 'product', 'a/b')).toThrow(InvalidParameterSegmentError);
  });
});

describe('publish', () => {
  it('creates a String parameter under the service path', () => {
    const stack = testStack();
    publish(stack, 'dev', 'product', 'api-id', 'abc123');
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/dev/product/api-id',
      Type: 'String',
      Value: 'abc123',
    });
  });
});

describe('lookup', () => {
  it('resolves at deploy time through an SSM parameter type, never an import', () => {
    const stack = testStack();
    publish(stack, 'dev', 'consumer', 'seen', lookup(stack, 'dev', 'platform', 'user-pool-arn'));
    const template = Template.fromStack(stack).toJSON();
    expect(Object.values(template.Parameters)).toContainEqual({
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: '/shop/dev/platform/user-pool-arn',
    });
    expect(JSON.stringify(template)).not.toContain('Fn::ImportValue');
  });
});
