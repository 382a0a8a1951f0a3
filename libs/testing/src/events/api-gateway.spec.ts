import { adminClaims, apiGatewayProxyEvent } from './api-gateway';

const identity = (sourceIp: string, userAgent: string | null) => ({
  accessKey: null,
  accountId: null,
  apiKey: null,
  apiKeyId: null,
  caller: null,
  clientCert: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  sourceIp,
  user: null,
  userAgent,
  userArn: null,
});

describe('apiGatewayProxyEvent', () => {
  it('gives an anonymous GET of the root resource through the /products base path by default, field by field', () => {
    expect(apiGatewayProxyEvent()).toEqual({
      resource: '/',
      path: '/products',
      httpMethod: 'GET',
      headers: { Accept: 'application/json', Host: 'api.shop.example.com', 'X-Forwarded-Proto': 'https' },
      multiValueHeaders: { Accept: ['application/json'], Host: ['api.shop.example.com'], 'X-Forwarded-Proto': ['https'] },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        authorizer: null,
        domainName: 'api.shop.example.com',
        domainPrefix: 'api',
        extendedRequestId: 'req-0001-ext',
        httpMethod: 'GET',
        identity: identity('203.0.113.10', 'jest'),
        path: '/products',
        protocol: 'HTTP/1.1',
        requestId: 'req-0001',
        requestTimeEpoch: 1_735_689_600_000,
        resourceId: 'root',
        resourcePath: '/',
        stage: 'dev',
      },
    });
  });

  it('builds a {proxy+} request on the execute-api URL with claims, query, headers and a JSON body', () => {
    const event = apiGatewayProxyEvent({
      method: 'PUT',
      path: '/MUG-001',
      basePath: undefined,
      stage: 'prod',
      query: { limit: '5' },
      headers: { 'If-Match': '3' },
      body: { name: 'Mug' },
      claims: adminClaims(),
      requestId: 'req-9',
    });

    expect(event).toEqual({
      resource: '/{proxy+}',
      path: '/MUG-001',
      httpMethod: 'PUT',
      headers: {
        Accept: 'application/json',
        Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
        'X-Forwarded-Proto': 'https',
        'Content-Type': 'application/json',
        'If-Match': '3',
      },
      multiValueHeaders: {
        Accept: ['application/json'],
        Host: ['abc123.execute-api.eu-west-1.amazonaws.com'],
        'X-Forwarded-Proto': ['https'],
        'Content-Type': ['application/json'],
        'If-Match': ['3'],
      },
      queryStringParameters: { limit: '5' },
      multiValueQueryStringParameters: { limit: ['5'] },
      pathParameters: { proxy: 'MUG-001' },
      stageVariables: null,
      body: '{"name":"Mug"}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        authorizer: { claims: adminClaims() },
        domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
        domainPrefix: 'api',
        extendedRequestId: 'req-9-ext',
        httpMethod: 'PUT',
        identity: identity('203.0.113.10', 'jest'),
        path: '/prod/MUG-001',
        protocol: 'HTTP/1.1',
        requestId: 'req-9',
        requestTimeEpoch: 1_735_689_600_000,
        resourceId: 'proxy',
        resourcePath: '/{proxy+}',
        stage: 'prod',
      },
    });
  });

  it('sends a string body as is and lets the test override a default header', () => {
    const event = apiGatewayProxyEvent({ method: 'POST', body: '{not json', headers: { 'Content-Type': 'text/plain' }, query: {} });

    expect(event.body).toBe('{not json');
    expect(event.headers['Content-Type']).toBe('text/plain');
    expect(event.multiValueHeaders['Content-Type']).toEqual(['text/plain']);
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
  });
});
