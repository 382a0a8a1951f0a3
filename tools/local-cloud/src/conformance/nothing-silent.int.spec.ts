/**
 * Conformance: nothing silent. A REST API with a route the local cloud cannot serve (an HTTP proxy
 * integration) and one whose authorization it does not check (AWS_IAM): each is named at start-up,
 * listed under `notServed` in `/_local/resources`, and a request that reaches it gets an answer
 * whose body says why. The served route next to them keeps working.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

let cloud: BuiltCloud;
let stageUrl: string;

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-silent'), 'mixed', (app) => {
    const stack = new Stack(app, 'MixedStack', { stackName: 'mixed' });
    const fn = new lambda.Function(stack, 'Ok', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(`exports.handler = async () => ({ statusCode: 200, body: '"ok"' });`),
    });
    const api = new apigateway.RestApi(stack, 'MixedApi');
    api.root.addResource('ok').addMethod('GET', new apigateway.LambdaIntegration(fn));
    api.root.addResource('upstream').addMethod('GET', new apigateway.HttpIntegration('https://example.com/'));
    new sns.Topic(stack, 'Alerts').addSubscription(new subscriptions.EmailSubscription('ops@example.com'));
    api.root
      .addResource('iam')
      .addMethod('GET', new apigateway.LambdaIntegration(fn), { authorizationType: apigateway.AuthorizationType.IAM });
  });
  cloud = await startBuiltCloud({ assemblies: root });
  const [api] = await cloud.local<{ basePath: string }[]>('/_local/routes');
  stageUrl = `${cloud.base}/${api.basePath}`;
}, 90_000);

afterAll(async () => {
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: nothing silent', () => {
  it('names each route it cannot serve at start-up, one line each', () => {
    const lines = cloud.output().split('\n');
    expect(lines.filter((line) => line.includes('not served'))).toEqual([
      expect.stringMatching(/mixed\/MixedApi\w*: GET \/upstream not served: HTTP_PROXY integration is not emulated \(answers 500/),
      expect.stringMatching(/mixed\/MixedApi\w*: GET \/iam not served: AWS_IAM authorization is not emulated \(answers 403/),
    ]);
  });

  it('names a subscription whose protocol it does not deliver', () => {
    expect(cloud.output()).toMatch(/warn +.*mixed\/Alerts\w*.*protocol email is not emulated/);
  });

  it('lists them under notServed in /_local/resources', async () => {
    const { notServed } = await cloud.local<{ notServed: { kind: string; name: string; reason: string }[] }>('/_local/resources');
    expect(notServed).toEqual([
      expect.objectContaining({ kind: 'route', name: 'GET /upstream of MixedApi', reason: 'HTTP_PROXY integration is not emulated' }),
      expect.objectContaining({ kind: 'route', name: 'GET /iam of MixedApi', reason: 'AWS_IAM authorization is not emulated' }),
      expect.objectContaining({
        kind: 'subscription',
        name: expect.stringContaining('(email ops@example.com)'),
        reason: 'protocol email is not emulated',
      }),
    ]);
  });

  it('answers a request that reaches one with a body that says why', async () => {
    const upstream = await fetch(`${stageUrl}/upstream`);
    expect(upstream.status).toBe(500);
    expect(await upstream.json()).toEqual({ message: 'Internal server error', localCloud: 'HTTP_PROXY integration is not emulated' });
    const iam = await fetch(`${stageUrl}/iam`);
    expect(iam.status).toBe(403);
    expect(await iam.json()).toEqual({ message: 'Forbidden', localCloud: 'AWS_IAM authorization is not emulated' });
    const ok = await fetch(`${stageUrl}/ok`);
    expect(ok.status).toBe(200);
  });
});
