import { nonProxyNotServed } from '../api/method-support';
import { resourceKind } from './kind';
import type { CloudModel } from './registry';
import type { MethodDef, RestApiDef } from './rest-apis';

declare module './kind' {
  interface ModelDefs {
    notServed: never[];
  }
}

/** One thing a template declares that the local cloud reads but cannot serve (named at start-up and in `/_local/resources`). */
export interface NotServedItem {
  kind: 'route' | 'function' | 'event-source-mapping' | 'subscription';
  service: string;
  stackName: string;
  /** `GET /things` of `<api>`, or the function's name. */
  name: string;
  reason: string;
  /** What a request that reaches it gets. */
  answers: string;
}

/** Authorization types the gateway checks; any other leaves the method answering 403. */
const CHECKED_AUTHORIZATION = new Set(['NONE', 'COGNITO_USER_POOLS', 'CUSTOM']);

/** Why a REST method cannot be served as the template says (undefined: it can), and what it answers. */
export function methodNotServed(method: MethodDef): { reason: string; answers: string } | undefined {
  if (!CHECKED_AUTHORIZATION.has(method.authorizationType)) {
    return { reason: `${method.authorizationType} authorization is not emulated`, answers: '403, body naming the reason' };
  }
  if (method.integration.type === 'UNSUPPORTED') {
    return { reason: `${method.integration.description} is not emulated`, answers: '500, body naming the reason' };
  }
  const nonProxy = nonProxyNotServed(method);
  if (nonProxy) return nonProxy;
  if (method.apiKeyRequired) return { reason: 'the API key is not checked', answers: 'served without a key' };
  return undefined;
}

/** The start-up warning for each method of an API that is not served as declared (one line each). */
export function warnMethodsNotServed(api: RestApiDef, warn: (reason: string) => void): void {
  for (const method of api.methods) {
    const problem = methodNotServed(method);
    if (problem) warn(`${method.httpMethod} ${method.resourcePath} not served: ${problem.reason} (answers ${problem.answers})`);
  }
}

/** SNS protocols the local cloud delivers (others are warned about when the subscription is applied). */
const DELIVERED_PROTOCOLS = new Set(['sqs', 'lambda']);

/** Everything in the model that is read but not served: REST methods, functions, event source mappings, SNS subscriptions. */
export function notServedItems(model: CloudModel): NotServedItem[] {
  const routes = model.restApis.flatMap((api) =>
    api.methods.flatMap((method) => {
      const problem = methodNotServed(method);
      return problem
        ? [
            {
              kind: 'route' as const,
              service: api.service,
              stackName: api.stackName,
              name: `${method.httpMethod} ${method.resourcePath} of ${api.name}`,
              ...problem,
            },
          ]
        : [];
    }),
  );
  const functions = model.functions.flatMap((fn) =>
    fn.notServed
      ? [
          {
            kind: 'function' as const,
            service: fn.service,
            stackName: fn.stackName,
            name: fn.name,
            reason: fn.notServed,
            answers: 'Runtime.NotServedLocally error',
          },
        ]
      : [],
  );
  const mappings = model.eventSourceMappings.flatMap((mapping) =>
    mapping.kind === 'unsupported'
      ? [
          {
            kind: 'event-source-mapping' as const,
            service: mapping.service,
            stackName: mapping.stackName,
            name: `${mapping.logicalId} (${mapping.eventSourceArn} → ${mapping.functionName})`,
            reason: 'this event source is not emulated',
            answers: 'nothing is polled',
          },
        ]
      : [],
  );
  const subscriptions = model.subscriptions.flatMap((subscription) =>
    DELIVERED_PROTOCOLS.has(subscription.protocol)
      ? []
      : [
          {
            kind: 'subscription' as const,
            service: subscription.service,
            stackName: subscription.stackName,
            name: `${subscription.logicalId} (${subscription.protocol} ${subscription.endpoint})`,
            reason: `protocol ${subscription.protocol} is not emulated`,
            answers: 'nothing is delivered',
          },
        ],
  );
  return [...routes, ...functions, ...mappings, ...subscriptions];
}

/**
 * Not a template type: the `notServed` part of `/_local/resources`, gathering what the other kinds
 * read but cannot serve ("nothing silent": each was also a warning at start-up).
 */
export const notServed = resourceKind<'notServed', never>({
  key: 'notServed',
  types: [],
  read: () => [],
  describe: (model) => ({ notServed: model ? notServedItems(model) : [] }),
});
