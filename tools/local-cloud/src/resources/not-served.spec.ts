import type { CloudModel, FunctionDef, MethodDef, RestApiDef } from '../assembly/model';
import { methodNotServed, notServedItems, warnMethodsNotServed } from './not-served';

const method = (overrides: Partial<MethodDef>): MethodDef => ({
  httpMethod: 'GET',
  resourcePath: '/things',
  authorizationType: 'NONE',
  authorizationScopes: [],
  apiKeyRequired: false,
  integration: { type: 'AWS_PROXY', functionName: 'fn', timeoutMs: 29_000 },
  ...overrides,
});

const api: RestApiDef = {
  service: 'demo',
  stackName: 'demo-stack',
  logicalId: 'Api',
  id: 'api1',
  name: 'DemoApi',
  stageName: 'prod',
  stageVariables: null,
  basePaths: [''],
  binaryMediaTypes: [],
  methods: [
    method({}),
    method({ httpMethod: 'POST', integration: { type: 'MOCK', statusCode: 200, headers: {} } }),
    method({ httpMethod: 'PUT', integration: { type: 'UNSUPPORTED', description: 'HTTP integration' } }),
    method({ httpMethod: 'DELETE', authorizationType: 'AWS_IAM' }),
    method({ httpMethod: 'PATCH', apiKeyRequired: true }),
  ],
};

describe('not served (nothing silent)', () => {
  it('serves proxy and mock methods with no or Cognito authorization', () => {
    expect(methodNotServed(method({}))).toBeUndefined();
    expect(methodNotServed(method({ authorizationType: 'COGNITO_USER_POOLS' }))).toBeUndefined();
  });

  it('names an integration, an authorization and an API key it cannot honour, with what a request gets', () => {
    expect(api.methods.map(methodNotServed)).toEqual([
      undefined,
      undefined,
      { reason: 'HTTP integration is not emulated', answers: '500, body naming the reason' },
      { reason: 'AWS_IAM authorization is not emulated', answers: '403, body naming the reason' },
      { reason: 'the API key is not checked', answers: 'served without a key' },
    ]);
  });

  it('warns once per method at start-up', () => {
    const lines: string[] = [];
    warnMethodsNotServed(api, (line) => lines.push(line));
    expect(lines).toEqual([
      'PUT /things not served: HTTP integration is not emulated (answers 500, body naming the reason)',
      'DELETE /things not served: AWS_IAM authorization is not emulated (answers 403, body naming the reason)',
      'PATCH /things not served: the API key is not checked (answers served without a key)',
    ]);
  });

  it('lists the methods and functions not served for /_local/resources', () => {
    const python = {
      service: 'demo',
      stackName: 'demo-stack',
      logicalId: 'Py',
      name: 'py',
      notServed: 'runtime python3.12 is not run locally',
    } as FunctionDef;
    const node = { service: 'demo', stackName: 'demo-stack', logicalId: 'Js', name: 'js' } as FunctionDef;
    const model = {
      restApis: [api],
      functions: [node, python],
      eventSourceMappings: [
        { logicalId: 'FromQueue', kind: 'sqs', eventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:q', functionName: 'js' },
        {
          logicalId: 'FromKafka',
          kind: 'unsupported',
          eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/c',
          functionName: 'js',
        },
      ],
      subscriptions: [
        { logicalId: 'ToQueue', protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:000000000000:q' },
        { logicalId: 'ToMail', protocol: 'email', endpoint: 'ops@example.com' },
      ],
    } as unknown as CloudModel;
    expect(notServedItems(model).map(({ kind, name, reason }) => `${kind} ${name}: ${reason}`)).toEqual([
      'route PUT /things of DemoApi: HTTP integration is not emulated',
      'route DELETE /things of DemoApi: AWS_IAM authorization is not emulated',
      'route PATCH /things of DemoApi: the API key is not checked',
      'function py: runtime python3.12 is not run locally',
      'event-source-mapping FromKafka (arn:aws:kafka:us-east-1:000000000000:cluster/c → js): this event source is not emulated',
      'subscription ToMail (email ops@example.com): protocol email is not emulated',
    ]);
  });
});
