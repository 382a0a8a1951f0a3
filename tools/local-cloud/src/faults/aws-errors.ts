import { randomUUID } from 'node:crypto';
import type { HttpAnswer } from '../api/gateway';
import type { FaultService } from './rules';

export type AwsFaultError = 'unavailable' | 'throttle';

interface ErrorShape {
  statusCode: number;
  code: string;
  message: string;
}

/**
 * The errors each service answers when it is down or throttling, under the codes the SDK's retry
 * strategy knows: a 5xx is transient, these throttling codes are throttles (retried with a longer
 * backoff). The SDK's own retries then run, as they would against AWS.
 */
const ERRORS: Record<FaultService, Record<AwsFaultError, ErrorShape>> = {
  dynamodb: {
    unavailable: { statusCode: 500, code: 'InternalServerError', message: 'Internal server error' },
    throttle: {
      statusCode: 400,
      code: 'ProvisionedThroughputExceededException',
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    },
  },
  sqs: {
    unavailable: {
      statusCode: 500,
      code: 'InternalFailure',
      message: 'The request processing has failed because of an unknown error, exception or failure.',
    },
    throttle: { statusCode: 400, code: 'RequestThrottled', message: 'Request is throttled.' },
  },
  sns: {
    unavailable: {
      statusCode: 503,
      code: 'ServiceUnavailable',
      message: 'The request has failed due to a temporary failure of the server.',
    },
    throttle: { statusCode: 400, code: 'Throttling', message: 'Rate exceeded' },
  },
};

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * What AWS answers for `error` in the service's protocol: DynamoDB and SQS the JSON protocol
 * (`__type`; SQS adds the `x-amzn-query-error` header of its query-compatible JSON), SNS the query
 * protocol (an XML `ErrorResponse`).
 */
export function awsErrorAnswer(service: FaultService, error: AwsFaultError, requestId: string = randomUUID()): HttpAnswer {
  const { statusCode, code, message } = ERRORS[service][error];
  if (service === 'sns') {
    const type = statusCode >= 500 ? 'Receiver' : 'Sender';
    return {
      statusCode,
      headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
      body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xmlText(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      quiet: true,
    };
  }
  const namespace = service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810' : 'com.amazonaws.sqs';
  const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId };
  if (service === 'sqs') headers['x-amzn-query-error'] = `${code};${statusCode >= 500 ? 'Receiver' : 'Sender'}`;
  return { statusCode, headers, body: JSON.stringify({ __type: `${namespace}#${code}`, message }), quiet: true };
}

/** The protocols an AccessDenied is written in: each service's own (its SDK reads only that one). */
export type AccessDeniedProtocol = 'dynamodb' | 'sqs' | 'sns' | 'sfn' | 'ssm' | 'events' | 'lambda';

const JSON_ACCESS_DENIED: Record<Exclude<AccessDeniedProtocol, 'sns' | 'lambda'>, { contentType: string; statusCode: number }> = {
  dynamodb: { contentType: 'application/x-amz-json-1.0', statusCode: 400 },
  sqs: { contentType: 'application/x-amz-json-1.0', statusCode: 403 },
  sfn: { contentType: 'application/x-amz-json-1.0', statusCode: 400 },
  ssm: { contentType: 'application/x-amz-json-1.1', statusCode: 400 },
  events: { contentType: 'application/x-amz-json-1.1', statusCode: 400 },
};

/**
 * What AWS answers a call IAM refused, in the protocol of the service, so the SDK throws the error
 * it throws in AWS: the JSON services `AccessDeniedException` (`__type` in the coral namespace,
 * 400; SQS 403 with `x-amzn-query-error: AccessDenied;Sender`, the code its query-compatible
 * clients throw), SNS the query protocol's `AuthorizationError` (403 XML), Lambda REST-JSON's 403
 * `AccessDeniedException` (`x-amzn-ErrorType`).
 */
export function accessDeniedAnswer(protocol: AccessDeniedProtocol, message: string, requestId: string = randomUUID()): HttpAnswer {
  if (protocol === 'sns') {
    return {
      statusCode: 403,
      headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId },
      body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>${xmlText(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      quiet: true,
    };
  }
  if (protocol === 'lambda') {
    return {
      statusCode: 403,
      headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': 'AccessDeniedException' },
      body: JSON.stringify({ Type: 'User', Message: message }),
      quiet: true,
    };
  }
  const { contentType, statusCode } = JSON_ACCESS_DENIED[protocol];
  const headers: Record<string, string> = { 'Content-Type': contentType, 'x-amzn-RequestId': requestId };
  if (protocol === 'sqs') headers['x-amzn-query-error'] = 'AccessDenied;Sender';
  return {
    statusCode,
    headers,
    body: JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', Message: message }),
    quiet: true,
  };
}
