import type { MethodDef, RestApiDef } from '../assembly/model';
import { RestRoutes } from './rest-routes';

const method = (httpMethod: string, resourcePath: string): MethodDef => ({
  httpMethod,
  resourcePath,
  authorizationType: 'NONE',
  authorizationScopes: [],
  apiKeyRequired: false,
  integration: { type: 'AWS_PROXY', functionName: `${httpMethod} ${resourcePath}`, timeoutMs: 29_000 },
});

const routes = new RestRoutes({
  service: 'demo',
  stackName: 'demo',
  logicalId: 'Api',
  id: 'api',
  name: 'api',
  stageName: 'prod',
  stageVariables: null,
  basePaths: [''],
  binaryMediaTypes: [],
  methods: [
    method('GET', '/'),
    method('POST', '/'),
    method('ANY', '/{proxy+}'),
    method('GET', '/items/{id}'),
    method('GET', '/items/featured'),
    method('GET', '/orders/{orderId}/lines/{line}'),
  ],
} satisfies RestApiDef);

const target = (httpMethod: string, path: string) => {
  const match = routes.match(httpMethod, path);
  return match.kind === 'method'
    ? [match.method.integration.type === 'AWS_PROXY' ? match.method.integration.functionName : '', match.pathParameters]
    : [match.kind];
};

describe('RestRoutes', () => {
  it('matches the root resource by method', () => {
    expect(target('GET', '/')).toEqual(['GET /', null]);
    expect(target('POST', '/')).toEqual(['POST /', null]);
  });

  it('prefers a literal part, then a {param}, then the greedy {proxy+}', () => {
    expect(target('GET', '/items/featured')).toEqual(['GET /items/featured', null]);
    expect(target('GET', '/items/ABC-1')).toEqual(['GET /items/{id}', { id: 'ABC-1' }]);
    expect(target('GET', '/orders/o-1/lines/2')).toEqual(['GET /orders/{orderId}/lines/{line}', { orderId: 'o-1', line: '2' }]);
    expect(target('DELETE', '/items/ABC-1')).toEqual(['no-method']);
  });

  it('sends everything else to {proxy+} with ANY, the proxy parameter holding the rest of the path, decoded', () => {
    expect(target('DELETE', '/ABC-1')).toEqual(['ANY /{proxy+}', { proxy: 'ABC-1' }]);
    expect(target('PUT', '/a/b%20c/d')).toEqual(['ANY /{proxy+}', { proxy: 'a/b c/d' }]);
  });

  it('answers no-method when the resource exists without that method (API Gateway: 403 Missing Authentication Token)', () => {
    expect(target('PATCH', '/')).toEqual(['no-method']);
  });
});

describe('RestRoutes without a greedy resource', () => {
  const strict = new RestRoutes({
    service: 'demo',
    stackName: 'demo',
    logicalId: 'Api',
    id: 'api',
    name: 'api',
    stageName: 'prod',
    stageVariables: null,
    basePaths: [''],
    binaryMediaTypes: [],
    methods: [method('GET', '/health')],
  });

  it('finds no resource for an unknown path', () => {
    expect(strict.match('GET', '/nope')).toEqual({ kind: 'no-resource' });
  });
});
