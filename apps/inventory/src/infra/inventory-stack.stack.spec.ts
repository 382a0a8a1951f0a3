import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  actionsOf,
  alarmCountsByMetric,
  alarmedResources,
  alarmsOn,
  createServiceApp,
  inlineTestCode,
  logicalIdOf,
  nagFindings,
  policyStatementsOf,
  STAGE_NAMES,
  statefulLogicalIds,
  synthesizedTemplate,
  templateFixture,
} from '@shop/cdk';
import { InventoryStack } from './inventory-stack';

const synth = (stageName: string) => {
  const { app, stack } = createServiceApp(InventoryStack, { context: { stage: stageName }, code: inlineTestCode });
  return { app, stack, template: Template.fromStack(stack) };
};

const tableArn = { 'Fn::GetAtt': [expect.stringMatching(/^StateInventoryTable/), 'Arn'] };

describe('InventoryStack', () => {
  const { app, stack, template } = synth('dev');
  const json = template.toJSON();

  it('is one template with the REST API, the router, the two saga commands and the table', () => {
    expect(stack.stackName).toBe('shop-dev-inventory');
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('runs every function on Node.js 24, arm64, with active tracing', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    expect(functions.map((f) => [f.Runtime, f.Architectures, f.TracingConfig])).toEqual(
      Array(3).fill(['nodejs24.x', ['arm64'], { Mode: 'Active' }]),
    );
  });

  it('keeps the inventory point-in-time recoverable and encrypted, with pk/sk keys and TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      // Adjustment records (Idempotency-Keys) expire on their own.
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  describe('permissions (least privilege)', () => {
    it.each([
      ['RouterRole', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']],
      ['ReserveStockRole', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']],
      ['ReleaseStockRole', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']],
    ])('%s: exactly %j on the table ARN, no Delete, Scan, Query or batch', (role, actions) => {
      const statements = policyStatementsOf(template, role);
      expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')))).toEqual([
        { Action: actions, Effect: 'Allow', Resource: tableArn },
      ]);
    });

    it.each(['RouterRole', 'ReserveStockRole', 'ReleaseStockRole'])('%s: nothing else but logs and X-Ray ("*" only for X-Ray)', (role) => {
      const statements = policyStatementsOf(template, role);
      expect(actionsOf(statements).filter((a) => !a.startsWith('dynamodb:'))).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      expect(actionsOf(statements.filter((s) => s.Resource === '*'))).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    });
  });

  it('sets each function exactly the environment it needs', () => {
    for (const prefix of ['RouterFunction', 'ReserveStockFunction', 'ReleaseStockFunction']) {
      const fn = template.findResources('AWS::Lambda::Function')[logicalIdOf(template, 'AWS::Lambda::Function', prefix)];
      expect(Object.keys(fn?.Properties.Environment.Variables).sort()).toEqual([
        'NODE_OPTIONS',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'TABLE_NAME',
      ]);
    }
  });

  it('authorizes every method but OPTIONS with Cognito: the inventory is for administrators', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);
    const guarded = methods.filter((m) => m.HttpMethod !== 'OPTIONS');
    expect(guarded.map((m) => m.HttpMethod).sort()).toEqual([
      'DELETE',
      'DELETE',
      'GET',
      'GET',
      'HEAD',
      'HEAD',
      'PATCH',
      'PATCH',
      'POST',
      'POST',
      'PUT',
      'PUT',
    ]);
    expect(guarded.every((m) => m.AuthorizationType === 'COGNITO_USER_POOLS' && m.AuthorizerId !== undefined)).toBe(true);
  });

  it('mounts the API at base path inventory of the shop domain found in SSM', () => {
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      BasePath: 'inventory',
      DomainName: { Ref: Match.stringLikeRegexp('^SsmParameterValueshopdevplatformapidomainname') },
    });
  });

  it('publishes the saga command function ARNs and the API id and URL in SSM', () => {
    const parameters = Object.values(template.findResources('AWS::SSM::Parameter')).map((p) => p.Properties);
    expect(parameters.map((p) => p.Name).sort()).toEqual([
      '/shop/dev/inventory/api-id',
      '/shop/dev/inventory/api-url',
      '/shop/dev/inventory/release-stock-function-arn',
      '/shop/dev/inventory/reserve-stock-function-arn',
    ]);
    expect(parameters.find((p) => p.Name === '/shop/dev/inventory/reserve-stock-function-arn')?.Value).toEqual({
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', 'ReserveStockFunction'), 'Arn'],
    });
    expect(parameters.find((p) => p.Name === '/shop/dev/inventory/release-stock-function-arn')?.Value).toEqual({
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', 'ReleaseStockFunction'), 'Arn'],
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
    expect(alarmedResources(template, 'IteratorAge')).toEqual([]);
    expect(alarmCountsByMetric(template)).toEqual({ 'Errors/Invocations': 3, Throttles: 3, '5XXError': 1, Latency: 1 });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-dev-inventory' });
  });

  it('alarms on the reserve-stock error rate only when most calls fail (out of stock is a business error), on the others at 5 %', () => {
    const thresholds = Object.fromEntries(
      alarmsOn(template, 'Errors').map((alarm) => [String(alarm.AlarmDescription).split(':')[0], alarm.Threshold]),
    );
    expect(thresholds['inventory/reserve-stock']).toBe(0.5);
    expect(
      Object.entries(thresholds)
        .filter(([name]) => name !== 'inventory/reserve-stock')
        .map(([, threshold]) => threshold),
    ).toEqual([0.05, 0.05]);
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(app)).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('InventoryStack in prod', () => {
  const { stack, template } = synth('prod');

  it('is named for the stage and retains and protects the inventory', () => {
    expect(stack.stackName).toBe('shop-prod-inventory');
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });
});

describe('InventoryStack alarms in prod', () => {
  const { template } = synth('prod');

  it('sends every alarm to the ops topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms).toHaveLength(8);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^SsmParameterValueshopprodplatformalarmtopicarn/) }]);
    }
  });
});

describe('inventory stateful resources', () => {
  it('keep their logical ids in prod (a new logical id replaces the resource and loses its data or messages)', () => {
    expect(statefulLogicalIds(synth('prod').template)).toEqual(['AWS::DynamoDB::Table StateInventoryTable9DA003C1']);
  });
});

describe('inventory synthesized templates', () => {
  // As `nx run inventory:synth` writes them (main.ts, the cdk CLI's context), but with inline code.
  it.each(STAGE_NAMES)('%s: equal to the checked-in template (src/infra/__tests__/templates)', (stage) => {
    const { stackName, template } = synthesizedTemplate(InventoryStack, stage);
    expect(template).toEqual(templateFixture(join(__dirname, '__tests__', 'templates', `${stackName}.template.json`), template));
  });
});
