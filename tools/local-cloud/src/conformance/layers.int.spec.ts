/**
 * Conformance: Lambda layers. Two `LayerVersion`s from asset folders (`fixtures/conformance/layers`)
 * and a function listing both: it requires `greeting` (the later layer's), `farewell` (only in the
 * first), a module of the runtime's own folder, and one by its `/opt` path, as on Lambda.
 */
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

const LAYERS = join(__dirname, '../../fixtures/conformance/layers');
const PUBLIC_LAYER = 'arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsTypeScriptV2:1';

const HANDLER = `
const { greet } = require('greeting');
const { farewell } = require('farewell');
const { where } = require('runtime-only');
const byPath = require('/opt/nodejs/node_modules/greeting');
exports.handler = async (event) => ({
  statusCode: 200,
  body: JSON.stringify({
    greeting: greet(event.queryStringParameters.name),
    farewell: farewell(event.queryStringParameters.name),
    where,
    byPath: byPath.greet('path'),
  }),
});`;

let cloud: BuiltCloud;
let stageUrl: string;

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-layers'), 'greeter', (app) => {
    const stack = new Stack(app, 'GreeterStack', { stackName: 'greeter' });
    const layer = (id: string) =>
      new lambda.LayerVersion(stack, id, {
        code: lambda.Code.fromAsset(join(LAYERS, id)),
        compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
      });
    const greetingV1 = layer('greeting-v1');
    const greetingV2 = layer('greeting-v2');
    const fn = new lambda.Function(stack, 'Greeter', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER),
      layers: [greetingV1, greetingV2],
    });
    const api = new apigateway.LambdaRestApi(stack, 'GreeterApi', { handler: fn, proxy: false });
    api.root.addResource('hello').addMethod('GET');
    const esm = new lambda.Function(stack, 'EsmGreeter', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(join(LAYERS, 'esm-function')),
      layers: [greetingV1, greetingV2],
    });
    api.root.addResource('esm').addMethod('GET', new apigateway.LambdaIntegration(esm));
    // A layer no stack here declares (a public one, by ARN): named at start-up, the function still starts.
    new lambda.Function(stack, 'WithPublicLayer', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
      layers: [lambda.LayerVersion.fromLayerVersionArn(stack, 'Public', PUBLIC_LAYER)],
    });
  });
  cloud = await startBuiltCloud({ assemblies: root });
  const [api] = await cloud.local<{ basePath: string }[]>('/_local/routes');
  stageUrl = `${cloud.base}/${api.basePath}`;
}, 90_000);

afterAll(async () => {
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: Lambda layers', () => {
  it('lists both layers and the function with its layers in order', async () => {
    const resources = await cloud.local<{ layers: { arn: string }[]; functions: { name: string; layers?: string[] }[] }>(
      '/_local/resources',
    );
    expect(resources.layers).toHaveLength(2);
    const greeter = resources.functions.find((fn) => fn.name.startsWith('greeter-Greeter'));
    expect(greeter?.layers).toEqual(resources.layers.map((layer) => layer.arn));
  });

  it('maps an ES module import by its /opt path to the merged layers', async () => {
    const response = await fetch(`${stageUrl}/esm`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ esm: 'Hello, esm (greeting v2)' });
  });

  it('names a layer no loaded stack declares, once', () => {
    expect(
      cloud
        .output()
        .split('\n')
        .filter((line) => line.includes(PUBLIC_LAYER)),
    ).toEqual([
      expect.stringMatching(/warn +greeter\/WithPublicLayer\w*: layer \S+ is declared by no loaded stack \(not on the module path\)$/),
    ]);
  });

  it('resolves the layers’ modules as Lambda’s NODE_PATH does, the later layer winning', async () => {
    const response = await fetch(`${stageUrl}/hello?name=ada`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      greeting: 'Hello, ada (greeting v2)',
      farewell: 'Goodbye, ada',
      where: 'nodejs/node24/node_modules',
      byPath: 'Hello, path (greeting v2)',
    });
  });
});
