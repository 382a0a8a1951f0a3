import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  actionsOf,
  alarmCountsByMetric,
  alarmedResources,
  createServiceApp,
  inlineTestCode,
  nagFindings,
  policyStatementsOf,
  READ_METHODS,
  STAGE_NAMES,
  statefulLogicalIds,
  synthesizedTemplate,
  templateFixture,
} from '@shop/cdk';
import { ProductStack } from './product-stack';

const synth = (stageName: string) => {
  const { app, stack } = createServiceApp(ProductStack, { context: { stage: stageName }, code: inlineTestCode });
  return { app, stack, template: Template.fromStack(stack) };
};

const tableArn = { 'Fn::GetAtt': [expect.stringMatching(/^StateCatalogTable/), 'Arn'] };
const topicRef = { Ref: expect.stringMatching(/^StateEventsTopic/) };

describe('ProductStack', () => {
  const { app, stack, template } = synth('dev');
  const json = template.toJSON();

  it('is one template with the REST API, the router, the publisher, the catalog replay, the table and the topic', () => {
    expect(stack.stackName).toBe('shop-dev-product');
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
  });

  it('runs every function on Node.js 24, arm64, with active tracing', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    expect(functions.map((f) => [f.Runtime, f.Architectures, f.TracingConfig])).toEqual([
      ['nodejs24.x', ['arm64'], { Mode: 'Active' }],
      ['nodejs24.x', ['arm64'], { Mode: 'Active' }],
      ['nodejs24.x', ['arm64'], { Mode: 'Active' }],
    ]);
  });

  it('keeps the catalog point-in-time recoverable, encrypted and streamed, with the category index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
    });
  });

  it('encrypts the topic and refuses publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: 'alias/aws/sns' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  describe('router permissions', () => {
    const statements = policyStatementsOf(template, 'RouterRole');

    it('are get, put and delete of items on the table and Query on gsi1, nothing more on data (no UpdateItem)', () => {
      expect(statements).toContainEqual({
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
        Effect: 'Allow',
        Resource: tableArn,
      });
      expect(statements).toContainEqual({
        Action: 'dynamodb:Query',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [tableArn, '/index/gsi1']] },
      });
      expect(actionsOf(statements).filter((a) => a.startsWith('dynamodb:'))).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
      ]);
    });

    it('include nothing on the topic, the stream or any queue: logs, X-Ray and the table only', () => {
      expect(actionsOf(statements).filter((a) => !a.startsWith('dynamodb:'))).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });

    it('use "*" only for X-Ray', () => {
      expect(actionsOf(statements.filter((s) => s.Resource === '*'))).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    });
  });

  describe('publish-changes permissions', () => {
    const statements = policyStatementsOf(template, 'PublishChangesRole');

    it('are sns:Publish on the product topic only', () => {
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sns:')))).toEqual([
        { Action: 'sns:Publish', Effect: 'Allow', Resource: topicRef },
      ]);
    });

    it('read the table stream and write its DLQ, and never touch the items', () => {
      expect(statements).toContainEqual({
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StateCatalogTable/), 'StreamArn'] },
      });
      expect(actionsOf(statements).filter((a) => /Item|Query|Scan/.test(a))).toEqual([]);
      expect(actionsOf(statements.filter((s) => s.Resource === '*'))).toEqual([
        'dynamodb:ListStreams',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });
  });

  describe('republish-catalog permissions', () => {
    const statements = policyStatementsOf(template, 'RepublishCatalogRole');

    it('read the table with a Scan of the table ARN only: no item action, no index, no stream', () => {
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')))).toEqual([
        { Action: 'dynamodb:Scan', Effect: 'Allow', Resource: tableArn },
      ]);
    });

    it('are sns:Publish on the product topic only', () => {
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sns:')))).toEqual([
        { Action: 'sns:Publish', Effect: 'Allow', Resource: topicRef },
      ]);
    });

    it('include nothing else but logs and X-Ray, and use "*" only for X-Ray', () => {
      expect(actionsOf(statements)).toEqual([
        'dynamodb:Scan',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      expect(actionsOf(statements.filter((s) => s.Resource === '*'))).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    });
  });

  it('runs the catalog replay for up to 5 minutes, with no event source and no API in front of it', () => {
    const id = Object.keys(template.findResources('AWS::Lambda::Function')).find((key) => key.startsWith('RepublishCatalogFunction'));
    expect(template.findResources('AWS::Lambda::Function')[id ?? '']?.Properties).toMatchObject({
      Timeout: 300,
      MemorySize: 256,
      Handler: 'index.handler',
    });
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((m) => m.Properties.FunctionName);
    expect(mappings).toEqual([{ Ref: expect.stringMatching(/^PublishChangesFunction/) }]);
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => p.Properties.FunctionName);
    expect(JSON.stringify(permissions)).not.toContain('RepublishCatalog');
  });

  it('consumes the stream with partial batch failures, retried until they succeed (no bisection), and an alarmed DLQ as last resort', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^PublishChangesFunction') },
      BatchSize: 10,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublishChangesStreamDlq'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublishChangesStreamDlq'), 'QueueName'] } }],
    });
  });

  it('sets each function exactly the environment it needs', () => {
    const env = (prefix: string) =>
      Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))?.[1].Properties.Environment
        .Variables;
    expect(Object.keys(env('RouterFunction')).sort()).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'TABLE_NAME',
    ]);
    expect(Object.keys(env('PublishChangesFunction')).sort()).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'TOPIC_ARN',
    ]);
    expect(Object.keys(env('RepublishCatalogFunction')).sort()).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'TABLE_NAME',
      'TOPIC_ARN',
    ]);
  });

  it('authorizes every write method with Cognito and leaves every read public', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);
    const isRead = (m: { HttpMethod: string }) => (READ_METHODS as readonly string[]).includes(m.HttpMethod);
    const writes = methods.filter((m) => !isRead(m));
    const reads = methods.filter(isRead);
    expect(writes.map((m) => m.HttpMethod).sort()).toEqual(['DELETE', 'DELETE', 'PATCH', 'PATCH', 'POST', 'POST', 'PUT', 'PUT']);
    expect(reads).toHaveLength(6);
    expect(writes.every((m) => m.AuthorizationType === 'COGNITO_USER_POOLS' && m.AuthorizerId !== undefined)).toBe(true);
    expect(reads.every((m) => m.AuthorizationType === 'NONE' && m.AuthorizerId === undefined)).toBe(true);
  });

  it('mounts the API at base path products of the shop domain found in SSM', () => {
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      BasePath: 'products',
      DomainName: { Ref: Match.stringLikeRegexp('^SsmParameterValueshopdevplatformapidomainname') },
    });
  });

  it('publishes the topic ARN, the API id and URL and the replay function name in SSM', () => {
    const names = Object.values(template.findResources('AWS::SSM::Parameter'))
      .map((p) => p.Properties.Name)
      .sort();
    expect(names).toEqual([
      '/shop/dev/product/api-id',
      '/shop/dev/product/api-url',
      '/shop/dev/product/republish-function-name',
      '/shop/dev/product/topic-arn',
    ]);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/dev/product/republish-function-name',
      Type: 'String',
      Value: { Ref: Match.stringLikeRegexp('^RepublishCatalogFunction') },
    });
  });

  it('imports nothing from other stacks', () => {
    expect(JSON.stringify(json)).not.toContain('Fn::ImportValue');
  });

  it('has the standard alarms on every function, the API, each queue and the stream relay, and one dashboard named after the stack', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).sort();
    expect(alarmedResources(template, 'Errors')).toEqual(functions);
    expect(alarmedResources(template, 'Throttles')).toEqual(functions);
    expect(alarmedResources(template, '5XXError')).toEqual([expect.stringMatching(/^ApiDeploymentStagedev/)]);
    expect(alarmedResources(template, 'Latency')).toEqual([expect.stringMatching(/^ApiDeploymentStagedev/)]);
    expect(alarmedResources(template, 'ApproximateAgeOfOldestMessage')).toEqual([]);
    expect(alarmedResources(template, 'IteratorAge')).toEqual([expect.stringMatching(/^PublishChangesFunction/)]);
    expect(alarmCountsByMetric(template)).toEqual({
      'Errors/Invocations': 3,
      Throttles: 3,
      '5XXError': 1,
      Latency: 1,
      IteratorAge: 1,
      ApproximateNumberOfMessagesVisible: 1,
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-dev-product' });
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(app)).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('ProductStack in prod', () => {
  const { template } = synth('prod');

  it('retains and protects the catalog', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('sends every alarm to the ops topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms).toHaveLength(10);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^SsmParameterValueshopprodplatformalarmtopicarn/) }]);
    }
  });
});

describe('product stateful resources', () => {
  it('keep their logical ids in prod (a new logical id replaces the resource and loses its data or messages)', () => {
    expect(statefulLogicalIds(synth('prod').template)).toEqual([
      'AWS::DynamoDB::Table StateCatalogTable57AA7307',
      'AWS::SNS::Topic StateEventsTopicA76B51C3',
      'AWS::SQS::Queue PublishChangesStreamDlqQueue7E40D478',
    ]);
  });
});

describe('product synthesized templates', () => {
  // As `nx run product:synth` writes them (main.ts, the cdk CLI's context), but with inline code.
  it.each(STAGE_NAMES)('%s: equal to the checked-in template (src/infra/__tests__/templates)', (stage) => {
    const { stackName, template } = synthesizedTemplate(ProductStack, stage);
    expect(template).toEqual(templateFixture(join(__dirname, '__tests__', 'templates', `${stackName}.template.json`), template));
  });
});
