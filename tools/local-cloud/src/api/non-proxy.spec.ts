import type { AwsIntegrationDef, IntegrationMapping, IntegrationResponseDef } from '../resources/rest-integration-defs';
import { readAwsIntegration } from '../resources/rest-integration-defs';
import type { ServiceRequest } from './aws-service-integration';
import {
  integrationRequestBody,
  mappingValue,
  methodResponse,
  runAwsIntegration,
  runMockIntegration,
  selectResponse,
  type MethodRequest,
} from './non-proxy';

const request = (overrides: Partial<MethodRequest> = {}): MethodRequest => ({
  contentType: 'application/json',
  accept: undefined,
  body: '{"name":"Ada"}',
  params: { path: { id: '7' }, querystring: { q: 'x' }, header: { 'X-Trace': 't-1' } },
  stageVariables: { env: 'dev' },
  context: { requestId: 'r-1', stage: 'v1' },
  ...overrides,
});
const mapping = (overrides: Partial<IntegrationMapping> = {}): IntegrationMapping => ({
  requestTemplates: {},
  passthroughBehavior: 'WHEN_NO_MATCH',
  requestParameters: {},
  responses: [],
  ...overrides,
});
const response = (overrides: Partial<IntegrationResponseDef> = {}): IntegrationResponseDef => ({
  statusCode: 200,
  responseTemplates: {},
  responseParameters: {},
  ...overrides,
});

describe('integration request: template by Content-Type, passthrough behavior', () => {
  const templates = { 'application/json': '{"who": "$input.path(\'$.name\')"}' };

  it('runs the template of the request content type (application/json when none is sent)', () => {
    expect(integrationRequestBody(mapping({ requestTemplates: templates }), request())).toBe('{"who": "Ada"}');
    expect(integrationRequestBody(mapping({ requestTemplates: templates }), request({ contentType: undefined }))).toBe('{"who": "Ada"}');
    expect(
      integrationRequestBody(mapping({ requestTemplates: templates }), request({ contentType: 'Application/JSON; charset=utf-8' })),
    ).toBe('{"who": "Ada"}');
  });

  it('WHEN_NO_MATCH passes an unmatched body through; WHEN_NO_TEMPLATES only when no template exists; NEVER refuses (415)', () => {
    const text = request({ contentType: 'text/plain', body: 'hi' });
    expect(integrationRequestBody(mapping({ requestTemplates: templates }), text)).toBe('hi');
    expect(
      integrationRequestBody(mapping({ requestTemplates: templates, passthroughBehavior: 'WHEN_NO_TEMPLATES' }), text),
    ).toBeUndefined();
    expect(integrationRequestBody(mapping({ passthroughBehavior: 'WHEN_NO_TEMPLATES' }), text)).toBe('hi');
    expect(integrationRequestBody(mapping({ requestTemplates: templates, passthroughBehavior: 'NEVER' }), text)).toBeUndefined();
    expect(integrationRequestBody(mapping({ passthroughBehavior: 'NEVER' }), text)).toBeUndefined();
  });
});

describe('integration responses: selection pattern, templates, header mappings', () => {
  const responses = [
    response({ statusCode: 200 }),
    response({ statusCode: 400, selectionPattern: '4\\d{2}' }),
    response({ statusCode: 422, selectionPattern: 'Invalid.*' }),
  ];

  it('matches the whole subject (the status of a service, the errorMessage of a function), else the default', () => {
    expect(selectResponse(responses, '404')?.statusCode).toBe(400);
    expect(selectResponse(responses, '4000')?.statusCode).toBe(200);
    expect(selectResponse(responses, 'Invalid name')?.statusCode).toBe(422);
    expect(selectResponse(responses, 'Not Invalid')?.statusCode).toBe(200);
    expect(selectResponse(responses, undefined)?.statusCode).toBe(200);
    expect(selectResponse([response({ statusCode: 400, selectionPattern: '4\\d{2}' })], '200')).toBeUndefined();
  });

  it('maps headers from literals, the integration body (JSONPath) and the method request', () => {
    const answer = methodResponse(
      response({
        responseTemplates: { 'application/xml': '<a/>', 'application/json': '{"id": "$input.path(\'$.Item.id\')"}' },
        responseParameters: {
          'method.response.header.X-Literal': "'yes'",
          'method.response.header.X-Id': 'integration.response.body.Item.id',
          'method.response.header.X-Trace': 'method.request.header.x-trace',
          'method.response.header.X-Env': 'stageVariables.env',
          'method.response.header.X-Request': 'context.requestId',
        },
      }),
      request(),
      { body: '{"Item":{"id":"i-1"}}', headers: {} },
    );
    expect(answer).toEqual({
      statusCode: 200,
      headers: {
        'Content-Type': 'application/json',
        'X-Literal': 'yes',
        'X-Id': 'i-1',
        'X-Trace': 't-1',
        'X-Env': 'dev',
        'X-Request': 'r-1',
      },
      body: '{"id": "i-1"}',
    });
  });

  it('chooses the response template by Accept, and lets $context.responseOverride change the status and headers', () => {
    const answer = methodResponse(
      response({
        responseTemplates: {
          'application/json': '{}',
          'text/plain': '#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Why = "tea")short',
        },
      }),
      request({ accept: 'text/plain' }),
      { body: '{}', headers: {} },
    );
    expect(answer).toEqual({ statusCode: 418, headers: { 'Content-Type': 'text/plain', 'X-Why': 'tea' }, body: 'short' });
  });

  it('passes the integration body through when the response has no template', () => {
    expect(methodResponse(response(), request(), { body: '{"raw":1}', headers: {} }).body).toBe('{"raw":1}');
    expect(mappingValue('method.request.body', request())).toBe('{"name":"Ada"}');
    expect(mappingValue('method.request.querystring.q', request())).toBe('x');
    expect(mappingValue('method.request.path.id', request())).toBe('7');
  });
});

describe('runAwsIntegration', () => {
  const sqsIntegration = readAwsIntegration(
    {
      Type: 'AWS',
      Uri: 'arn:aws:apigateway:us-east-1:sqs:path/000000000000/{queue}',
      RequestParameters: {
        'integration.request.path.queue': 'method.request.path.id',
        'integration.request.querystring.DelaySeconds': "'0'",
      },
      RequestTemplates: { 'application/json': 'Action=SendMessage&MessageBody=$util.urlEncode($input.body)' },
      IntegrationResponses: [
        {
          StatusCode: '200',
          ResponseTemplates: { 'application/json': '{"id": "$input.path(\'$.SendMessageResponse.SendMessageResult.MessageId\')"}' },
        },
        { StatusCode: '400', SelectionPattern: '4\\d{2}' },
      ],
    },
    29_000,
  ) as AwsIntegrationDef;

  it('reads the Uri as a service path, and sends the mapped request to the service', async () => {
    expect(sqsIntegration.target).toEqual({ kind: 'service', service: 'sqs', path: '000000000000/{queue}' });
    const sent: ServiceRequest[] = [];
    const answer = await runAwsIntegration(sqsIntegration, request(), {
      invoke: async () => undefined,
      callService: async (serviceRequest) => {
        sent.push(serviceRequest);
        return { statusCode: 200, body: '{"SendMessageResponse":{"SendMessageResult":{"MessageId":"m-1"}}}' };
      },
    });
    expect(sent).toEqual([
      {
        kind: 'service',
        service: 'sqs',
        path: '000000000000/7',
        body: 'Action=SendMessage&MessageBody=%7B%22name%22%3A%22Ada%22%7D',
        querystring: { DelaySeconds: '0' },
      },
    ]);
    expect([answer.statusCode, answer.body]).toEqual([200, '{"id": "m-1"}']);
  });

  it("selects a service error's response by its status", async () => {
    const answer = await runAwsIntegration(sqsIntegration, request(), {
      invoke: async () => undefined,
      callService: async () => ({ statusCode: 400, body: '{"Error":{"Code":"QueueDoesNotExist"}}' }),
    });
    expect([answer.statusCode, answer.body]).toEqual([400, '{"Error":{"Code":"QueueDoesNotExist"}}']);
  });

  it('Lambda non-proxy: the payload is the template output; an error is selected on errorMessage; a timeout is 504', async () => {
    const lambda = readAwsIntegration(
      {
        Type: 'AWS',
        Uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:greeter/invocations',
        RequestTemplates: { 'application/json': '{"n": "$input.path(\'$.name\')"}' },
        IntegrationResponses: [{ StatusCode: '200' }, { StatusCode: '400', SelectionPattern: 'Bad.*' }],
      },
      1000,
    ) as AwsIntegrationDef;
    expect(lambda.target).toEqual({ kind: 'lambda', functionName: 'greeter' });
    const payloads: unknown[] = [];
    const ok = await runAwsIntegration(lambda, request(), {
      invoke: async (_name, payload) => (payloads.push(payload), { requestId: 'x', ok: true, payload: { hi: 'Ada' }, durationMs: 1 }),
      callService: async () => ({ statusCode: 500, body: '' }),
    });
    expect(payloads).toEqual([{ n: 'Ada' }]);
    expect([ok.statusCode, ok.body]).toEqual([200, '{"hi":"Ada"}']);
    const failed = await runAwsIntegration(lambda, request(), {
      invoke: async () => ({ requestId: 'x', ok: false, error: { errorType: 'Error', errorMessage: 'Bad input' }, durationMs: 1 }),
      callService: async () => ({ statusCode: 500, body: '' }),
    });
    expect([failed.statusCode, JSON.parse(failed.body)]).toEqual([400, { errorMessage: 'Bad input', errorType: 'Error', stackTrace: [] }]);
    const slow = await runAwsIntegration(lambda, request(), {
      invoke: async () => 'timeout',
      callService: async () => ({ statusCode: 500, body: '' }),
    });
    expect(slow.statusCode).toBe(504);
  });
});

describe('runMockIntegration', () => {
  it("selects the response by the request template's statusCode and runs its template", () => {
    const mock = mapping({
      requestTemplates: { 'application/json': '#if($input.params(\'fail\') == "yes"){"statusCode": 500}#else{ statusCode: 200 }#end' },
      responses: [
        response({ statusCode: 200, responseTemplates: { 'application/json': '{"ok": true, "id": "$context.requestId"}' } }),
        response({ statusCode: 503, selectionPattern: '5\\d{2}', responseTemplates: { 'application/json': '{"ok": false}' } }),
      ],
    });
    expect(runMockIntegration(mock, request())).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '{"ok": true, "id": "r-1"}',
    });
    const failing = request({ params: { path: {}, querystring: { fail: 'yes' }, header: {} } });
    expect(runMockIntegration(mock, failing)).toMatchObject({ statusCode: 503, body: '{"ok": false}' });
  });
});
