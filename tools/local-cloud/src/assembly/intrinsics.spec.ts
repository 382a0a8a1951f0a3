import { StackResolver, UnresolvedError } from './intrinsics';
import type { CfnTemplate } from './template';

const SQS = 'http://127.0.0.1:4566';

function resolverFor(template: Partial<CfnTemplate>, ssm: Record<string, string> = {}, stackName = 'shop-local-demo') {
  return new StackResolver({
    stackName,
    template: { Resources: {}, ...template },
    sqsEndpoint: SQS,
    ssm: (name) => ssm[name],
  });
}

const resources: CfnTemplate['Resources'] = {
  Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'products' } },
  AnonTable: { Type: 'AWS::DynamoDB::Table', Properties: {} },
  Queue: { Type: 'AWS::SQS::Queue' },
  FifoQueue: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } },
  Topic: { Type: 'AWS::SNS::Topic' },
  Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'router']] } } },
  Machine: { Type: 'AWS::StepFunctions::StateMachine' },
  Pool: { Type: 'AWS::Cognito::UserPool' },
  Role: { Type: 'AWS::IAM::Role' },
  Param: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/shop/local/demo/x', Value: 'v' } },
  Odd: { Type: 'AWS::Custom::Thing' },
};

describe('StackResolver', () => {
  describe('pseudo parameters', () => {
    it('answers the local account, region, partition, URL suffix and stack name', () => {
      const resolver = resolverFor({});
      expect(resolver.resolve({ Ref: 'AWS::Region' })).toBe('us-east-1');
      expect(resolver.resolve({ Ref: 'AWS::AccountId' })).toBe('000000000000');
      expect(resolver.resolve({ Ref: 'AWS::Partition' })).toBe('aws');
      expect(resolver.resolve({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
      expect(resolver.resolve({ Ref: 'AWS::StackName' })).toBe('shop-local-demo');
      expect(resolver.resolve({ Ref: 'AWS::StackId' })).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/shop-local-demo\//);
    });

    it('drops AWS::NoValue from objects and lists', () => {
      const resolver = resolverFor({});
      expect(resolver.resolve({ a: 1, b: { Ref: 'AWS::NoValue' }, c: [1, { Ref: 'AWS::NoValue' }, 2] })).toEqual({ a: 1, c: [1, 2] });
    });
  });

  describe('Ref and Fn::GetAtt', () => {
    const resolver = resolverFor({ Resources: resources });

    it('gives tables their explicit name, or stack-logicalId when unnamed', () => {
      expect(resolver.resolve({ Ref: 'Table' })).toBe('products');
      expect(resolver.resolve({ Ref: 'AnonTable' })).toBe('shop-local-demo-AnonTable');
      expect(resolver.resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/products');
      expect(resolver.resolve({ 'Fn::GetAtt': ['Table', 'StreamArn'] })).toMatch(
        /^arn:aws:dynamodb:us-east-1:000000000000:table\/products\/stream\//,
      );
    });

    it('gives queues a URL on the local SQS endpoint, and an ARN; FIFO queues end in .fifo', () => {
      expect(resolver.resolve({ Ref: 'Queue' })).toBe(`${SQS}/000000000000/shop-local-demo-Queue`);
      expect(resolver.resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toBe('arn:aws:sqs:us-east-1:000000000000:shop-local-demo-Queue');
      expect(resolver.resolve({ 'Fn::GetAtt': ['FifoQueue', 'QueueName'] })).toBe('shop-local-demo-FifoQueue.fifo');
    });

    it('answers topic and state machine ARNs for Ref', () => {
      expect(resolver.resolve({ Ref: 'Topic' })).toBe('arn:aws:sns:us-east-1:000000000000:shop-local-demo-Topic');
      expect(resolver.resolve({ Ref: 'Machine' })).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:shop-local-demo-Machine');
    });

    it('resolves a name property that is itself an intrinsic', () => {
      expect(resolver.resolve({ Ref: 'Fn' })).toBe('shop-local-demo-router');
      expect(resolver.resolve({ 'Fn::GetAtt': 'Fn.Arn' })).toBe('arn:aws:lambda:us-east-1:000000000000:function:shop-local-demo-router');
    });

    it('gives Cognito pools an id, ARN and issuer URL that match', () => {
      const id = resolver.resolve({ Ref: 'Pool' }) as string;
      expect(id).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
      expect(resolver.resolve({ 'Fn::GetAtt': ['Pool', 'Arn'] })).toBe(`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${id}`);
      expect(resolver.resolve({ 'Fn::GetAtt': ['Pool', 'ProviderURL'] })).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${id}`);
    });

    it('answers a plausible ARN for types it does not emulate, and the SSM parameter name for its Ref', () => {
      expect(resolver.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toBe('arn:aws:iam::000000000000:role/shop-local-demo-Role');
      expect(resolver.resolve({ 'Fn::GetAtt': ['Odd', 'Arn'] })).toBe('arn:aws:custom:us-east-1:000000000000:thing/shop-local-demo-Odd');
      expect(resolver.resolve({ Ref: 'Param' })).toBe('/shop/local/demo/x');
    });

    it('is deterministic across resolvers (names survive restarts)', () => {
      expect(resolverFor({ Resources: resources }).resolve({ Ref: 'Pool' })).toBe(resolver.resolve({ Ref: 'Pool' }));
    });

    it('fails loudly on a Ref to an unknown name', () => {
      expect(() => resolver.resolve({ Ref: 'Nope' })).toThrow('Ref to unknown name "Nope"');
    });
  });

  describe('string functions', () => {
    const resolver = resolverFor({ Resources: resources, Parameters: { Stage: { Type: 'String', Default: 'local' } } });

    it('joins, with nested intrinsics', () => {
      expect(resolver.resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Stage' }]] })).toBe(
        'arn:aws:s3:::local',
      );
    });

    it('substitutes ${Param}, ${Resource}, ${Resource.Attr}, pseudo parameters and keeps ${!Literal}', () => {
      expect(resolver.resolve({ 'Fn::Sub': '${AWS::Region}/${Stage}/${Table}/${Queue.QueueName}/${!NotMe}' })).toBe(
        'us-east-1/local/products/shop-local-demo-Queue/${NotMe}',
      );
    });

    it('substitutes from the variable map of the two-item form, variables winning over names', () => {
      expect(resolver.resolve({ 'Fn::Sub': ['${Stage}-${X}', { X: { 'Fn::GetAtt': ['Topic', 'TopicName'] }, Stage: 'mine' }] })).toBe(
        'mine-shop-local-demo-Topic',
      );
    });

    it('splits and selects', () => {
      expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['-', 'a-b-c'] }] })).toBe('b');
      expect(() => resolver.resolve({ 'Fn::Select': [5, ['a']] })).toThrow('out of range');
    });

    it('encodes Base64 and lists availability zones', () => {
      expect(resolver.resolve({ 'Fn::Base64': 'hi' })).toBe('aGk=');
      expect(resolver.resolve({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] })).toBe('us-east-1a');
    });
  });

  describe('conditions', () => {
    const template: Partial<CfnTemplate> = {
      Parameters: { Stage: { Type: 'String', Default: 'local' } },
      Conditions: {
        IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
        NotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
        Both: { 'Fn::And': [{ Condition: 'NotProd' }, { 'Fn::Equals': ['a', 'a'] }] },
        Either: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'Both' }] },
      },
      Resources: { ProdOnly: { Type: 'AWS::SQS::Queue', Condition: 'IsProd' } },
    };

    it('evaluates Equals, Not, And, Or and named conditions', () => {
      const resolver = resolverFor(template);
      expect([
        resolver.condition('IsProd'),
        resolver.condition('NotProd'),
        resolver.condition('Both'),
        resolver.condition('Either'),
      ]).toEqual([false, true, true, true]);
    });

    it('picks the Fn::If branch, and leaves out resources whose condition is false', () => {
      const resolver = resolverFor(template);
      expect(resolver.resolve({ 'Fn::If': ['IsProd', 'big', { Ref: 'AWS::NoValue' }] })).toBeUndefined();
      expect(resolver.resolve({ 'Fn::If': ['NotProd', 'small', 'big'] })).toBe('small');
      expect(resolver.isActive('ProdOnly')).toBe(false);
      expect(() => resolver.resolve({ Ref: 'ProdOnly' })).toThrow(UnresolvedError);
    });
  });

  describe('SSM parameters across stacks', () => {
    const template: Partial<CfnTemplate> = {
      Parameters: {
        PoolArn: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/shop/local/platform/user-pool-arn' },
        Zones: { Type: 'AWS::SSM::Parameter::Value<List<String>>', Default: '/shop/local/platform/zones' },
        Missing: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/nobody/publishes/this' },
      },
    };
    const ssm = {
      '/shop/local/platform/user-pool-arn': 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc',
      '/shop/local/platform/zones': 'a,b',
    };

    it('reads SSM-typed template parameters from the parameters other stacks publish', () => {
      const resolver = resolverFor(template, ssm);
      expect(resolver.resolve({ Ref: 'PoolArn' })).toBe(ssm['/shop/local/platform/user-pool-arn']);
      expect(resolver.resolve({ Ref: 'Zones' })).toEqual(['a', 'b']);
    });

    it('resolves {{resolve:ssm:...}} dynamic references, with or without a version', () => {
      const resolver = resolverFor({}, ssm);
      expect(
        resolver.resolve('pool={{resolve:ssm:/shop/local/platform/user-pool-arn}};v={{resolve:ssm:/shop/local/platform/zones:3}}'),
      ).toBe(`pool=${ssm['/shop/local/platform/user-pool-arn']};v=a,b`);
    });

    it('reports a parameter nobody publishes as unresolved, and only where it is used', () => {
      const resolver = resolverFor(template, ssm);
      expect(() => resolver.resolve({ Ref: 'Missing' })).toThrow('SSM parameter /nobody/publishes/this is published by no loaded stack');
      const reasons: string[] = [];
      expect(resolver.resolveLenient({ ok: { Ref: 'PoolArn' }, bad: { Ref: 'Missing' } }, (reason) => reasons.push(reason))).toEqual({
        ok: ssm['/shop/local/platform/user-pool-arn'],
        bad: '<unresolved: SSM parameter /nobody/publishes/this is published by no loaded stack>',
      });
      expect(reasons).toEqual(['SSM parameter /nobody/publishes/this is published by no loaded stack']);
    });

    it('leaves Fn::ImportValue unresolved when no exports are given, and asks the lookup otherwise', () => {
      expect(() => resolverFor({}).resolve({ 'Fn::ImportValue': 'Other-Export' })).toThrow(UnresolvedError);
      const asked: string[] = [];
      const resolver = new StackResolver({
        stackName: 'importer',
        template: { Resources: {} },
        sqsEndpoint: SQS,
        ssm: () => undefined,
        exports: (name, importer) => (asked.push(`${importer}:${name}`), 'value'),
      });
      expect(resolver.resolve({ 'Fn::ImportValue': { 'Fn::Sub': '${AWS::StackName}-x' } })).toBe('value');
      expect(asked).toEqual(['importer:importer-x']);
    });
  });
});
