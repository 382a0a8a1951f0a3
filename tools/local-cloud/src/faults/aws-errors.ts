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
