import type { MethodDef } from '../assembly/model';
import { readAwsIntegration } from '../resources/rest-integration-defs';
import { methodNotServed } from '../resources/not-served';

const method = (integration: MethodDef['integration'], overrides: Partial<MethodDef> = {}): MethodDef => ({
  httpMethod: 'POST',
  resourcePath: '/x',
  authorizationType: 'NONE',
  authorizationScopes: [],
  apiKeyRequired: false,
  integration,
  ...overrides,
});
const aws = (uri: string) => readAwsIntegration({ Type: 'AWS', Uri: uri }, 29_000);
const reasonOf = (candidate: MethodDef) => methodNotServed(candidate)?.reason;
const awsMethod = (uri: string) => method(aws(uri) ?? { type: 'UNSUPPORTED', description: uri });

describe('AWS integration Uris and what the gateway cannot serve', () => {
  it('reads action and path Uris', () => {
    expect(aws('arn:aws:apigateway:us-east-1:sns:action/Publish')?.target).toEqual({ kind: 'service', service: 'sns', action: 'Publish' });
    expect(aws('arn:aws:apigateway:us-east-1:states:action/StartSyncExecution')?.target).toEqual({
      kind: 'service',
      service: 'states',
      action: 'StartSyncExecution',
    });
    expect(aws('arn:aws:apigateway:us-east-1:sqs:path/000000000000/jobs')?.target).toEqual({
      kind: 'service',
      service: 'sqs',
      path: '000000000000/jobs',
    });
    expect(aws('https://example.com')).toBeUndefined();
  });

  it('serves the emulated actions and names the others', () => {
    expect(reasonOf(awsMethod('arn:aws:apigateway:us-east-1:dynamodb:action/GetItem'))).toBeUndefined();
    expect(reasonOf(awsMethod('arn:aws:apigateway:us-east-1:sqs:path/000000000000/jobs'))).toBeUndefined();
    expect(reasonOf(awsMethod('arn:aws:apigateway:us-east-1:dynamodb:action/ListTables'))).toMatch(/dynamodb ListTables is not emulated/);
    expect(reasonOf(awsMethod('arn:aws:apigateway:us-east-1:kinesis:action/PutRecord'))).toMatch(/kinesis is not emulated/);
    expect(reasonOf(method({ type: 'UNSUPPORTED', description: 'HTTP_PROXY integration' }))).toMatch(
      /HTTP_PROXY integration is not emulated/,
    );
    expect(reasonOf(method({ type: 'MOCK', statusCode: 200, headers: {} }, { authorizationType: 'AWS_IAM' }))).toMatch(/AWS_IAM/);
    expect(reasonOf(method({ type: 'MOCK', statusCode: 200, headers: {} }, { authorizationType: 'CUSTOM' }))).toMatch(/has no function/);
  });
});
