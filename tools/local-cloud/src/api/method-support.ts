import type { MethodDef } from '../assembly/model';
import { EMULATED_SERVICE_ACTIONS } from './aws-service-integration';

/**
 * Why the local gateway cannot serve a method as API Gateway would (named at start-up, in
 * `/_local/resources` and in the answer of a request that reaches it), or undefined when it can.
 */
export function notServedReason(method: MethodDef): string | undefined {
  const integration = method.integration;
  if (integration.type === 'UNSUPPORTED') return `${integration.description} is not emulated (answers 500)`;
  if (integration.type === 'AWS' && integration.target.kind === 'service') {
    const { service, action, path } = integration.target;
    const actions = EMULATED_SERVICE_ACTIONS[service];
    if (!actions)
      return `AWS integration to ${service} is not emulated (answers 400; emulated: ${Object.keys(EMULATED_SERVICE_ACTIONS).join(', ')})`;
    if (action && !actions.includes(action))
      return `AWS integration ${service} ${action} is not emulated (answers 400; emulated: ${actions.join(', ')})`;
    if (!action && path && service !== 'sqs') return `AWS integration ${service} path/${path} is not emulated (answers 400)`;
  }
  if (
    method.authorizationType === 'CUSTOM' &&
    (!method.authorizer?.functionName || !['TOKEN', 'REQUEST'].includes(method.authorizer.type))
  ) {
    return `authorizer ${method.authorizer?.name ?? '?'} (${method.authorizer?.type ?? 'missing'}) has no function the local cloud can call (answers 500)`;
  }
  if (!['NONE', 'COGNITO_USER_POOLS', 'CUSTOM'].includes(method.authorizationType))
    return `${method.authorizationType} authorization is not emulated (answers 403)`;
  return undefined;
}
