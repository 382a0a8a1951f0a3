/**
 * Conformance: runtimes. A nodejs18.x function runs (on the Node.js running the local cloud, with a
 * start-up warning saying so); a Python function and a container-image function are refused at
 * start-up, one line each, listed as not served, and invoking one answers an error saying so.
 */
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LOCAL_ACCESS_KEY_ID, readControlSecret } from '../control-plane/secret';
import { assembliesFolder, keepOutput, startBuiltCloud, synthApp, type BuiltCloud } from '../testing/built-cloud';

let cloud: BuiltCloud;
let stageUrl: string;

interface FunctionListing {
  name: string;
  runtime: string;
  served?: false;
  notServed?: string;
}

interface NotServed {
  kind: string;
  name: string;
  reason: string;
}

beforeAll(async () => {
  const root = synthApp(assembliesFolder('conformance-runtimes'), 'polyglot', (app) => {
    const stack = new Stack(app, 'PolyglotStack', { stackName: 'polyglot' });
    const node18 = new lambda.Function(stack, 'Node18', {
      functionName: 'polyglot-node18',
      runtime: lambda.Runtime.NODEJS_18_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(
        `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ env: process.env.AWS_EXECUTION_ENV }) });`,
      ),
    });
    // nodejs18.x is deprecated, which is the point here: acknowledge CDK's synth-time warning.
    Validations.of(node18).acknowledge({ id: 'CloudFormation-Validate::W2531', reason: 'an old Node.js runtime on purpose' });
    const python = new lambda.Function(stack, 'Python', {
      functionName: 'polyglot-python',
      runtime: lambda.Runtime.PYTHON_3_12,
      handler: 'index.handler',
      code: lambda.Code.fromInline('def handler(event, context):\n    return {"statusCode": 200, "body": "python"}\n'),
    });
    new lambda.DockerImageFunction(stack, 'Image', {
      functionName: 'polyglot-image',
      code: lambda.DockerImageCode.fromEcr(ecr.Repository.fromRepositoryName(stack, 'Repo', 'polyglot-image')),
    });
    const api = new apigateway.RestApi(stack, 'PolyglotApi');
    api.root.addResource('node').addMethod('GET', new apigateway.LambdaIntegration(node18));
    api.root.addResource('python').addMethod('GET', new apigateway.LambdaIntegration(python));
  });
  cloud = await startBuiltCloud({ assemblies: root });
  const [api] = await cloud.local<{ basePath: string }[]>('/_local/routes');
  stageUrl = `${cloud.base}/${api.basePath}`;
}, 90_000);

afterAll(async () => {
  keepOutput(cloud);
  await cloud?.stop();
});

describe('conformance: runtimes', () => {
  it('warns once that the nodejs18.x function runs on this Node.js, and names each refused function on one line', () => {
    const lines = cloud.output().split('\n');
    const major = process.versions.node;
    expect(lines.filter((line) => line.includes('polyglot-node18'))).toEqual([expect.stringContaining(`polyglot/Node18`)]);
    expect(lines.filter((line) => line.includes('polyglot-node18'))[0]).toContain('runtime nodejs18.x runs on Node.js');
    expect(major).toMatch(/^\d+\./);
    expect(lines.filter((line) => line.includes('(function polyglot-python) not served'))).toEqual([
      expect.stringContaining('runtime python3.12 is not run locally (only Node.js runtimes are)'),
    ]);
    expect(lines.filter((line) => line.includes('(function polyglot-image) not served'))).toEqual([
      expect.stringContaining('a container image (PackageType Image) is not run locally'),
    ]);
  });

  it('runs the nodejs18.x function', async () => {
    const response = await fetch(`${stageUrl}/node`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ env: 'AWS_Lambda_nodejs18.x' });
  });

  it('lists the refused functions as not served in /_local/resources', async () => {
    const resources = await cloud.local<{ functions: FunctionListing[]; notServed: NotServed[] }>('/_local/resources');
    const byName = Object.fromEntries(resources.functions.map((fn) => [fn.name, fn]));
    expect(byName['polyglot-node18']).not.toHaveProperty('served');
    expect(byName['polyglot-python']).toEqual(expect.objectContaining({ served: false, runtime: 'python3.12' }));
    expect(byName['polyglot-image']).toEqual(expect.objectContaining({ served: false }));
    expect(
      resources.notServed
        .filter((item) => item.kind === 'function')
        .map((item) => item.name)
        .sort(),
    ).toEqual(['polyglot-image', 'polyglot-python']);
  });

  it('answers an invocation of a refused function with an error that says it is not served', async () => {
    const client = new LambdaClient({
      endpoint: `${cloud.base}/_aws/lambda`,
      region: 'us-east-1',
      credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: readControlSecret(cloud.stateDir) },
      maxAttempts: 1,
    });
    const answer = await client.send(new InvokeCommand({ FunctionName: 'polyglot-python', Payload: Buffer.from('{}') }));
    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(answer.Payload ?? new Uint8Array()).toString())).toEqual(
      expect.objectContaining({
        errorType: 'Runtime.NotServedLocally',
        errorMessage: 'polyglot-python is not served by the local cloud: runtime python3.12 is not run locally (only Node.js runtimes are)',
      }),
    );
    client.destroy();
    // Through the API: API Gateway's answer to a failed function, and the log line names why.
    const response = await fetch(`${stageUrl}/python`);
    expect(response.status).toBe(502);
    const line = /GET \/_api\/\w+\/prod\/python 502 .*Runtime\.NotServedLocally: polyglot-python is not served by the local cloud/;
    // The access line is printed as the answer leaves: wait for it (bounded).
    for (let tries = 0; tries < 40 && !line.test(cloud.output()); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cloud.output()).toMatch(line);
  });
});
