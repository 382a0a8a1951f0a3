import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssemblyStack } from '../assembly/cloud-assembly';
import { buildModel } from '../assembly/model';
import type { CfnResource } from '../assembly/template';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:hello';
const INVOKE = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}/invocations`;
const ref = (logicalId: string) => ({ Ref: logicalId });

function modelOf(resources: Record<string, CfnResource>) {
  const stack: AssemblyStack = {
    service: 'app',
    artifactId: 'AppStack',
    stackName: 'app',
    assemblyDir: tmpdir(),
    templateFile: join(tmpdir(), 'app.template.json'),
    template: { Resources: resources },
    assets: new Map(),
  };
  return buildModel([stack], { sqsEndpoint: 'http://127.0.0.1:4566', workDir: join(tmpdir(), 'local-cloud-http-apis-spec') });
}

describe('httpApis: reading AWS::ApiGatewayV2 resources', () => {
  it('reads routes, integrations (function ARN or invocation URI), authorizers, stages and CORS', () => {
    const model = modelOf({
      Api: {
        Type: 'AWS::ApiGatewayV2::Api',
        Properties: { Name: 'shop', ProtocolType: 'HTTP', CorsConfiguration: { AllowOrigins: ['*'], AllowMethods: ['get'], MaxAge: 60 } },
      },
      Lambda: {
        Type: 'AWS::ApiGatewayV2::Integration',
        Properties: { ApiId: ref('Api'), IntegrationType: 'AWS_PROXY', IntegrationUri: FN, PayloadFormatVersion: '2.0' },
      },
      LambdaV1: {
        Type: 'AWS::ApiGatewayV2::Integration',
        Properties: {
          ApiId: ref('Api'),
          IntegrationType: 'AWS_PROXY',
          IntegrationUri: INVOKE,
          PayloadFormatVersion: '1.0',
          TimeoutInMillis: 5000,
        },
      },
      Jwt: {
        Type: 'AWS::ApiGatewayV2::Authorizer',
        Properties: {
          ApiId: ref('Api'),
          AuthorizerType: 'JWT',
          Name: 'jwt',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: { Issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', Audience: ['c1'] },
        },
      },
      Gate: {
        Type: 'AWS::ApiGatewayV2::Authorizer',
        Properties: {
          ApiId: ref('Api'),
          AuthorizerType: 'REQUEST',
          Name: 'gate',
          AuthorizerUri: INVOKE,
          AuthorizerPayloadFormatVersion: '2.0',
          EnableSimpleResponses: true,
          AuthorizerResultTtlInSeconds: 300,
          IdentitySource: ['$request.header.X-Key'],
        },
      },
      Items: {
        Type: 'AWS::ApiGatewayV2::Route',
        Properties: {
          ApiId: ref('Api'),
          RouteKey: 'GET /items/{id}',
          Target: { 'Fn::Join': ['', ['integrations/', ref('Lambda')]] },
          AuthorizationType: 'JWT',
          AuthorizerId: ref('Jwt'),
          AuthorizationScopes: ['shop/read'],
        },
      },
      Old: {
        Type: 'AWS::ApiGatewayV2::Route',
        Properties: { ApiId: ref('Api'), RouteKey: 'ANY /old', Target: { 'Fn::Join': ['', ['integrations/', ref('LambdaV1')]] } },
      },
      Gated: {
        Type: 'AWS::ApiGatewayV2::Route',
        Properties: {
          ApiId: ref('Api'),
          RouteKey: '$default',
          Target: { 'Fn::Join': ['', ['integrations/', ref('Lambda')]] },
          AuthorizationType: 'CUSTOM',
          AuthorizerId: ref('Gate'),
        },
      },
      Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: ref('Api'), StageName: 'dev', StageVariables: { color: 'blue' } } },
    });
    expect(model.warnings).toEqual([]);
    expect(model.notEmulated).toEqual([]);
    const [api] = model.httpApis;
    expect(api).toEqual(
      expect.objectContaining({
        name: 'shop',
        id: expect.stringMatching(/^[a-z0-9]{10}$/),
        stages: [{ name: 'dev', autoDeploy: false, variables: { color: 'blue' } }],
        cors: { allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: [], exposeHeaders: [], maxAge: 60, allowCredentials: false },
      }),
    );
    expect(api.routes).toEqual([
      {
        routeKey: 'GET /items/{id}',
        authorizationType: 'JWT',
        authorizer: expect.objectContaining({ type: 'JWT', name: 'jwt', audience: ['c1'] }),
        scopes: ['shop/read'],
        integration: { type: 'AWS_PROXY', functionName: 'hello', payloadFormatVersion: '2.0', timeoutMs: 30_000 },
      },
      {
        routeKey: 'ANY /old',
        authorizationType: 'NONE',
        scopes: [],
        integration: { type: 'AWS_PROXY', functionName: 'hello', payloadFormatVersion: '1.0', timeoutMs: 5000 },
      },
      {
        routeKey: '$default',
        authorizationType: 'CUSTOM',
        authorizer: expect.objectContaining({ type: 'REQUEST', functionName: 'hello', simpleResponses: true, ttlSeconds: 300 }),
        scopes: [],
        integration: expect.objectContaining({ functionName: 'hello' }),
      },
    ]);
  });

  it('serves a quick-create API (Target on the API) on a $default route and stage', () => {
    const model = modelOf({ Quick: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'quick', ProtocolType: 'HTTP', Target: FN } } });
    expect(model.httpApis[0]).toEqual(
      expect.objectContaining({
        routes: [expect.objectContaining({ routeKey: '$default', integration: expect.objectContaining({ functionName: 'hello' }) })],
        stages: [{ name: '$default', autoDeploy: true, variables: null }],
      }),
    );
  });

  it('names what it cannot serve: WebSocket APIs, other integrations, AWS_IAM routes, foreign JWT issuers, no stage', () => {
    const model = modelOf({
      Socket: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'socket', ProtocolType: 'WEBSOCKET' } },
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'api', ProtocolType: 'HTTP' } },
      Http: {
        Type: 'AWS::ApiGatewayV2::Integration',
        Properties: { ApiId: ref('Api'), IntegrationType: 'HTTP_PROXY', IntegrationUri: 'https://example.com', IntegrationMethod: 'ANY' },
      },
      Auth0: {
        Type: 'AWS::ApiGatewayV2::Authorizer',
        Properties: {
          ApiId: ref('Api'),
          AuthorizerType: 'JWT',
          Name: 'auth0',
          JwtConfiguration: { Issuer: 'https://x.auth0.com/', Audience: ['a'] },
        },
      },
      Proxy: {
        Type: 'AWS::ApiGatewayV2::Route',
        Properties: { ApiId: ref('Api'), RouteKey: 'ANY /ext', Target: { 'Fn::Join': ['', ['integrations/', ref('Http')]] } },
      },
      Signed: {
        Type: 'AWS::ApiGatewayV2::Route',
        Properties: { ApiId: ref('Api'), RouteKey: 'GET /signed', AuthorizationType: 'AWS_IAM' },
      },
      Mapping: { Type: 'AWS::ApiGatewayV2::ApiMapping', Properties: { ApiId: ref('Api'), DomainName: 'api.example.com', Stage: 'dev' } },
    });
    expect(model.httpApis.map((api) => api.name)).toEqual(['api']);
    expect(model.warnings).toEqual([
      'app/Socket: WEBSOCKET API not emulated (only HTTP APIs are served)',
      'app/Api: no stage: not reachable (as on AWS)',
      'app/Api: route ANY /ext: HTTP_PROXY integration https://example.com is not emulated (answers 500)',
      'app/Api: route GET /signed: AWS_IAM authorization is not emulated (answers 500)',
      'app/Api: JWT authorizer auth0: issuer https://x.auth0.com/ is not a local user pool; only tokens signed with the local key and that issuer pass',
    ]);
    expect(model.notEmulated).toEqual([expect.objectContaining({ logicalId: 'Mapping', type: 'AWS::ApiGatewayV2::ApiMapping' })]);
  });
});
