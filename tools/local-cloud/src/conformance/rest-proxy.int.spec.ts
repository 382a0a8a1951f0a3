/**
 * Conformance: a CDK app written here (not one of the shop's services), synthesized in the test run
 * and served by the built local cloud: the shape most public samples start with, a REST API with a
 * Lambda proxy integration on the root and on a greedy path. The other conformance apps follow it:
 * one file per feature, the app declared in `define`, the journey its README would walk in `it`s.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

const HANDLER = `
exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ path: event.path, contextPath: event.requestContext.path, resource: event.resource, proxy: event.pathParameters?.proxy ?? null, method: event.httpMethod }),
});`;

let cloud: BuiltCloud;
/** Where the API's stage is served: the base URL plus the route table's `basePath` (`_api/<api id>/<stage>`). */
let stageUrl: string;

interface RouteTable {
  service: string;
  basePath: string;
  methods: { httpMethod: string; resourcePath: string; authorizationType: string }[];
}

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-rest'), 'hello', (app) => {
    const stack = new Stack(app, 'HelloStack', { stackName: 'hello-rest' });
    const fn = new lambda.Function(stack, 'Hello', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER),
    });
    new apigateway.LambdaRestApi(stack, 'HelloApi', { handler: fn });
  });
  cloud = await startBuiltCloud({ assemblies: root });
  const [api] = await cloud.local<RouteTable[]>('/_local/routes');
  stageUrl = `${cloud.base}/${api.basePath}`;
}, 90_000);

afterAll(async () => {
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: REST API with a Lambda proxy integration (LambdaRestApi)', () => {
  it('lists the root and the greedy path of the prod stage as public routes', async () => {
    expect(await cloud.local<RouteTable[]>('/_local/routes')).toEqual([
      {
        service: 'hello',
        basePath: expect.stringMatching(/^_api\/\w+\/prod$/),
        methods: [
          { httpMethod: 'ANY', resourcePath: '/', authorizationType: 'NONE' },
          { httpMethod: 'ANY', resourcePath: '/{proxy+}', authorizationType: 'NONE' },
        ],
      },
    ]);
  });

  it('serves the root and a greedy path through the function, with the proxy event API Gateway builds', async () => {
    const greedy = await fetch(`${stageUrl}/things/42`, { method: 'DELETE' });
    expect(greedy.status).toBe(200);
    expect(await greedy.json()).toEqual({
      path: '/things/42',
      contextPath: '/prod/things/42',
      resource: '/{proxy+}',
      proxy: 'things/42',
      method: 'DELETE',
    });
    const root = await fetch(stageUrl);
    expect(root.status).toBe(200);
    expect(await root.json()).toEqual(expect.objectContaining({ path: '/', resource: '/', proxy: null, method: 'GET' }));
  });
});
