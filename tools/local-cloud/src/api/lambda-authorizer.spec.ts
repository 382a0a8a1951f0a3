import type { AuthorizerDef } from '../assembly/model';
import type { InvokeOutcome } from '../lambda/function-pool';
import { arnMatches, evaluatePolicy, identityValue, LambdaAuthorizer, methodArn, type IdentityRequest } from './lambda-authorizer';

const ARN = methodArn('us-east-1', '000000000000', 'abc123', 'prod', 'GET', '/pets/7');
const allow = (resource: string | string[]) => ({ Effect: 'Allow' as const, Action: 'execute-api:Invoke', Resource: resource });
const deny = (resource: string) => ({ Effect: 'Deny' as const, Action: 'execute-api:Invoke', Resource: resource });

const identity = (overrides: Partial<IdentityRequest> = {}): IdentityRequest => ({
  headers: { Authorization: 'tok' },
  querystring: {},
  pathParameters: {},
  stageVariables: null,
  context: {},
  ...overrides,
});
const tokenAuthorizer: AuthorizerDef = {
  id: 'a1',
  name: 'token',
  type: 'TOKEN',
  providerArns: [],
  identityHeader: 'Authorization',
  identitySources: ['method.request.header.Authorization'],
  functionName: 'auth',
  resultTtlSeconds: 300,
};
const policyResult = (statement: object, context?: object): InvokeOutcome => ({
  requestId: 'r',
  ok: true,
  payload: { principalId: 'alice', policyDocument: { Version: '2012-10-17', Statement: [statement] }, context },
  durationMs: 1,
});

describe('policy evaluation against the method ARN', () => {
  it('builds the method ARN as API Gateway does', () => {
    expect(ARN).toBe('arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/pets/7');
  });

  it('matches * and ? wildcards (AWS documentation resource examples)', () => {
    expect(arnMatches('arn:aws:execute-api:us-east-1:000000000000:abc123/*', ARN)).toBe(true);
    expect(arnMatches('arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/pets/*', ARN)).toBe(true);
    expect(arnMatches('arn:aws:execute-api:*:*:abc123/prod/*/pets/?', ARN)).toBe(true);
    expect(arnMatches('arn:aws:execute-api:us-east-1:000000000000:abc123/*/POST/*', ARN)).toBe(false);
    expect(arnMatches('arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/pets', ARN)).toBe(false);
  });

  it('lets an explicit Deny win over an Allow; no matching statement is a deny', () => {
    expect(evaluatePolicy([allow('*')], ARN)).toBe('Allow');
    expect(evaluatePolicy([allow('*'), deny('arn:aws:execute-api:*:*:abc123/*/GET/*')], ARN)).toBe('Deny');
    expect(evaluatePolicy([allow(['arn:aws:execute-api:*:*:other/*'])], ARN)).toBe('NoMatch');
    expect(evaluatePolicy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }], ARN)).toBe('NoMatch');
  });

  it('reads identity sources from headers (any case), query string, stage variables and context', () => {
    const request = identity({
      headers: { 'x-key': 'k' },
      querystring: { t: 'q' },
      stageVariables: { s: 'v' },
      context: { identity: { sourceIp: '1.2.3.4' } },
    });
    expect(identityValue('method.request.header.X-Key', request)).toBe('k');
    expect(identityValue('method.request.querystring.t', request)).toBe('q');
    expect(identityValue('stageVariables.s', request)).toBe('v');
    expect(identityValue('context.identity.sourceIp', request)).toBe('1.2.3.4');
    expect(identityValue('method.request.header.Missing', request)).toBeUndefined();
  });
});

describe('LambdaAuthorizer', () => {
  it('TOKEN: calls the function with the token and method ARN; Allow passes principalId and context on', async () => {
    const events: unknown[] = [];
    const authorizer = new LambdaAuthorizer({
      invoke: async (_name, event) => (events.push(event), policyResult(allow('*'), { tier: 'gold' })),
    });
    const result = await authorizer.authorize(tokenAuthorizer, ARN, identity(), () => ({}));
    expect(events).toEqual([{ type: 'TOKEN', authorizationToken: 'tok', methodArn: ARN }]);
    expect(result).toEqual({ ok: true, principalId: 'alice', authorizer: { tier: 'gold', principalId: 'alice', integrationLatency: 0 } });
  });

  it('TOKEN: caches the policy per token for the TTL, and evaluates it against each method ARN', async () => {
    let now = 0;
    let calls = 0;
    const authorizer = new LambdaAuthorizer({
      invoke: async () => (calls++, policyResult(allow('arn:aws:execute-api:*:*:abc123/prod/GET/*'))),
      now: () => now,
    });
    expect((await authorizer.authorize(tokenAuthorizer, ARN, identity(), () => ({}))).ok).toBe(true);
    const post = methodArn('us-east-1', '000000000000', 'abc123', 'prod', 'POST', '/pets');
    expect(await authorizer.authorize(tokenAuthorizer, post, identity(), () => ({}))).toMatchObject({ ok: false, statusCode: 403 });
    expect(calls).toBe(1);
    now = 301_000;
    await authorizer.authorize(tokenAuthorizer, ARN, identity(), () => ({}));
    expect(calls).toBe(2);
  });

  it('answers 401 without a call for a missing token or one failing the validation expression; 401 for Unauthorized; 500 for other errors', async () => {
    let calls = 0;
    const failing = (errorMessage: string) =>
      new LambdaAuthorizer({
        invoke: async () => (calls++, { requestId: 'r', ok: false, error: { errorType: 'Error', errorMessage }, durationMs: 1 }),
      });
    const noCache = { ...tokenAuthorizer, resultTtlSeconds: 0 };
    expect(await failing('x').authorize(noCache, ARN, identity({ headers: {} }), () => ({}))).toMatchObject({ statusCode: 401 });
    expect(
      await failing('x').authorize({ ...noCache, identityValidationExpression: '^Bearer .+$' }, ARN, identity(), () => ({})),
    ).toMatchObject({ statusCode: 401 });
    expect(calls).toBe(0);
    expect(await failing('Unauthorized').authorize(noCache, ARN, identity(), () => ({}))).toMatchObject({
      statusCode: 401,
      body: { message: 'Unauthorized' },
    });
    expect(await failing('boom').authorize(noCache, ARN, identity(), () => ({}))).toMatchObject({
      statusCode: 500,
      errorType: 'AuthorizerConfigurationException',
    });
  });

  it('REQUEST: needs every identity source, sends the request event, and refuses a malformed answer with 500', async () => {
    const requestAuthorizer: AuthorizerDef = {
      ...tokenAuthorizer,
      type: 'REQUEST',
      identitySources: ['method.request.header.X-Key', 'method.request.querystring.tenant'],
      resultTtlSeconds: 0,
    };
    const events: Record<string, unknown>[] = [];
    const authorizer = new LambdaAuthorizer({
      invoke: async (_name, event) => (
        events.push(event as Record<string, unknown>),
        { requestId: 'r', ok: true, payload: { nope: 1 }, durationMs: 1 }
      ),
    });
    expect(await authorizer.authorize(requestAuthorizer, ARN, identity({ headers: { 'X-Key': 'k' } }), () => ({}))).toMatchObject({
      statusCode: 401,
    });
    const request = identity({ headers: { 'X-Key': 'k' }, querystring: { tenant: 't' } });
    expect(await authorizer.authorize(requestAuthorizer, ARN, request, () => ({ path: '/pets/7' }))).toMatchObject({ statusCode: 500 });
    expect(events).toEqual([{ path: '/pets/7', type: 'REQUEST', methodArn: ARN }]);
  });

  it('Deny is 403 with the explicit-deny message', async () => {
    const authorizer = new LambdaAuthorizer({ invoke: async () => policyResult(deny(ARN)) });
    expect(await authorizer.authorize(tokenAuthorizer, ARN, identity(), () => ({}))).toMatchObject({
      statusCode: 403,
      body: { Message: 'User is not authorized to access this resource with an explicit deny' },
    });
  });
});
