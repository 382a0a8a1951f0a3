import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { nagFindings } from './nag';
import { HTTP_METHODS, READ_METHODS, ServiceApi } from './service-api';
import { ServiceFunction } from './service-function';
import { stageConfig } from './stage-config';
import { alarmsOn, dashboardWidgets } from './template-queries';
import { inlineCode, testStack } from './testing/test-stack';

describe('ServiceApi', () => {
  const stack = testStack();
  const router = new ServiceFunction(stack, 'Router', {
    service: 'product',
    name: 'router',
    stage: stageConfig('dev'),
    description: 'test',
    code: inlineCode(),
  });
  const api = new ServiceApi(stack, 'Api', {
    service: 'product',
    stage: stageConfig('dev'),
    basePath: 'products',
    publicMethods: READ_METHODS,
    handler: router.function,
  });
  api.publishEndpoint();
  const template = Template.fromStack(stack);
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);

  it('routes every method of / and /{proxy+} to the router', () => {
    expect(methods).toHaveLength(2 * HTTP_METHODS.length);
    template.resourceCountIs('AWS::ApiGateway::Resource', 1);
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    for (const method of methods) {
      expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    }
  });

  it('puts the Cognito authorizer on every method but the public ones', () => {
    const authorizer = { Ref: expect.stringMatching(/^ApiAuthorizer/) };
    for (const method of methods) {
      if ((READ_METHODS as readonly string[]).includes(method.HttpMethod)) {
        expect(method.AuthorizationType).toBe('NONE');
        expect(method.AuthorizerId).toBeUndefined();
      } else {
        expect(method).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: authorizer });
      }
    }
  });

  it('finds the user pool and the API domain through SSM', () => {
    const parameters = template.toJSON().Parameters;
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ Ref: Match.stringLikeRegexp('^SsmParameterValueshopdevplatformuserpoolarn') }],
    });
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      BasePath: 'products',
      DomainName: { Ref: Match.stringLikeRegexp('^SsmParameterValueshopdevplatformapidomainname') },
      Stage: { Ref: Match.stringLikeRegexp('^ApiDeploymentStagedev') },
    });
    expect(Object.values(parameters).map((p) => (p as { Default: string }).Default)).toEqual(
      expect.arrayContaining(['/shop/dev/platform/user-pool-arn', '/shop/dev/platform/api-domain-name']),
    );
  });

  it('traces, logs access as JSON, logs execution without bodies and throttles', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'INFO',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ],
    });
  });

  it('leaves the account-wide CloudWatch role to the platform', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('lets API Gateway invoke the router through one API-scoped permission', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 1);
  });

  it('publishes the API id and URL', () => {
    for (const name of ['/shop/dev/product/api-id', '/shop/dev/product/api-url']) {
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: name });
    }
  });

  const stageDimensions = [
    { Name: 'ApiName', Value: 'shop-dev-product' },
    { Name: 'Stage', Value: { Ref: expect.stringMatching(/^ApiDeploymentStagedev/) } },
  ];

  it("alarms when more than 5 % of its stage's requests are answered 5XX in 3 of 5 minutes", () => {
    expect(alarmsOn(template, '5XXError')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        Statistic: 'Average',
        Period: 60,
        Dimensions: stageDimensions,
        Threshold: 0.05,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      }),
    ]);
  });

  it("alarms when its stage's p99 latency is above 2.5 s in 3 of 5 minutes", () => {
    expect(alarmsOn(template, 'Latency')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        ExtendedStatistic: 'p99',
        Period: 60,
        Dimensions: stageDimensions,
        Threshold: 2500,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
      }),
    ]);
  });

  it('shows its requests and alarms in a section of the dashboard', () => {
    const titles = dashboardWidgets(template).map((w) => w.properties.title ?? w.properties.markdown);
    expect(titles.slice(titles.indexOf('### API product (/products)'))).toEqual([
      '### API product (/products)',
      'requests, 4XX, 5XX',
      '5XX rate',
      'latency p99 (ms)',
    ]);
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('ServiceApi defaults', () => {
  it('leaves only CORS preflights public', () => {
    const stack = testStack();
    const router = new ServiceFunction(stack, 'Router', {
      service: 'basket',
      name: 'router',
      stage: stageConfig('dev'),
      description: 'test',
      code: inlineCode(),
    });
    new ServiceApi(stack, 'Api', { service: 'basket', stage: stageConfig('dev'), basePath: 'basket', handler: router.function });
    const methods = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);
    expect(methods.filter((m) => m.AuthorizationType === 'NONE').map((m) => m.HttpMethod)).toEqual(['OPTIONS', 'OPTIONS']);
    expect(methods.filter((m) => m.AuthorizationType === 'COGNITO_USER_POOLS')).toHaveLength(12);
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('ServiceApi alarm settings', () => {
  it('take other thresholds from the props, and notify the ops topic in prod', () => {
    const stack = testStack();
    const prod = stageConfig('prod');
    const router = new ServiceFunction(stack, 'Router', {
      service: 'basket',
      name: 'router',
      stage: prod,
      description: 'test',
      code: inlineCode(),
    });
    new ServiceApi(stack, 'Api', {
      service: 'basket',
      stage: prod,
      basePath: 'basket',
      handler: router.function,
      alarms: { serverErrorRate: { threshold: 0.01 }, p99Latency: { threshold: Duration.seconds(1), datapointsToAlarm: 5 } },
    });
    const template = Template.fromStack(stack);
    const opsTopic = [{ Ref: expect.stringMatching(/^SsmParameterValueshopprodplatformalarmtopicarn/) }];
    expect(alarmsOn(template, '5XXError')).toEqual([
      expect.objectContaining({ Threshold: 0.01, DatapointsToAlarm: 3, AlarmActions: opsTopic }),
    ]);
    expect(alarmsOn(template, 'Latency')).toEqual([
      expect.objectContaining({ Threshold: 1000, DatapointsToAlarm: 5, AlarmActions: opsTopic }),
    ]);
  });
});
