import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * A request's headers as API Gateway hands them to a proxy integration: `headers` keeps the last
 * value of a repeated header, `multiValueHeaders` all of them, both under the first spelling of
 * the name (names match without regard to case).
 */
export class ProxyHeaders {
  readonly headers: Record<string, string> = {};
  readonly multiValueHeaders: Record<string, string[]> = {};

  /** @param rawHeaders names and values in turn, as Node's `IncomingMessage.rawHeaders`. */
  constructor(rawHeaders: readonly string[] = []) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) this.add(rawHeaders[i] as string, rawHeaders[i + 1] as string);
  }

  /** Adds a value, as if the client had sent it after the others. */
  add(name: string, value: string): void {
    const existing = Object.keys(this.multiValueHeaders).find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;
    this.headers[existing] = value;
    (this.multiValueHeaders[existing] ??= []).push(value);
  }

  /** The value of a header, whatever the case of `name` (lower case). */
  get(name: string): string | undefined {
    const key = Object.keys(this.headers).find((candidate) => candidate.toLowerCase() === name);
    return key === undefined ? undefined : this.headers[key];
  }
}

/** What the gateway (or a test) knows of the request context; the rest of it is fixed by AWS. */
export interface ProxyRequestContext {
  readonly accountId: string;
  readonly apiId: string;
  /** What the authorizer passed on, e.g. `{ claims }`; `null` is sent as is; `undefined` leaves the field out. */
  readonly authorizer?: APIGatewayProxyEvent['requestContext']['authorizer'];
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly extendedRequestId: string;
  /** The full path the client asked for (with the stage on an execute-api URL). */
  readonly path: string;
  readonly protocol: string;
  readonly requestId: string;
  /** `04/Mar/2020:19:15:17 +0000`; left out when `undefined`. */
  readonly requestTime?: string;
  readonly requestTimeEpoch: number;
  readonly resourceId: string;
  readonly sourceIp: string;
  readonly stage: string;
  readonly userAgent: string | null;
}

/** One request, already routed to a resource: everything {@link buildProxyEvent} puts in the event. */
export interface ProxyEventInput {
  readonly httpMethod: string;
  /** `event.path`: the path as the client sent it. */
  readonly path: string;
  /** The API's resource that matched, e.g. `/{proxy+}`: `resource` and `requestContext.resourcePath`. */
  readonly resourcePath: string;
  readonly headers: ProxyHeaders;
  /** Decoded query parameters in order (a `URLSearchParams` works); a repeated key keeps its last value in `queryStringParameters`. */
  readonly query?: Iterable<readonly [string, string]>;
  readonly pathParameters: Record<string, string> | null;
  readonly stageVariables: Record<string, string> | null;
  readonly body: string | null;
  /** True when `body` is base64 (a binary media type). @default false */
  readonly isBase64Encoded?: boolean;
  readonly requestContext: ProxyRequestContext;
}

/**
 * The event API Gateway sends a Lambda proxy integration of a REST API (payload format 1.0),
 * field by field, as documented in
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format.
 * The local cloud's gateway builds it from a real HTTP request, `@shop/testing` from a test's
 * description with realistic defaults.
 */
export const buildProxyEvent = (input: ProxyEventInput): APIGatewayProxyEvent => {
  const { single, multi } = queryMaps(input.query);
  const context = input.requestContext;
  return {
    resource: input.resourcePath,
    path: input.path,
    httpMethod: input.httpMethod,
    headers: input.headers.headers,
    multiValueHeaders: input.headers.multiValueHeaders,
    queryStringParameters: single,
    multiValueQueryStringParameters: multi,
    pathParameters: input.pathParameters,
    stageVariables: input.stageVariables,
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      ...(context.authorizer !== undefined ? { authorizer: context.authorizer } : {}),
      domainName: context.domainName,
      domainPrefix: context.domainPrefix,
      extendedRequestId: context.extendedRequestId,
      httpMethod: input.httpMethod,
      identity: {
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
        sourceIp: context.sourceIp,
        user: null,
        userAgent: context.userAgent,
        userArn: null,
      },
      path: context.path,
      protocol: context.protocol,
      requestId: context.requestId,
      ...(context.requestTime !== undefined ? { requestTime: context.requestTime } : {}),
      requestTimeEpoch: context.requestTimeEpoch,
      resourceId: context.resourceId,
      resourcePath: input.resourcePath,
      stage: context.stage,
    } as APIGatewayProxyEvent['requestContext'],
    body: input.body,
    isBase64Encoded: input.isBase64Encoded ?? false,
  };
};

const queryMaps = (query: Iterable<readonly [string, string]> | undefined) => {
  if (!query) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of query) {
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return Object.keys(single).length ? { single, multi } : { single: null, multi: null };
};
