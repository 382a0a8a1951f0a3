import type { MethodDef } from '../assembly/model';
import { EMULATED_SERVICE_ACTIONS } from './aws-service-integration';

/**
 * What the local gateway cannot serve of a method's AWS service integration or Lambda authorizer
 * (`resources/not-served.ts` names it at start-up and in `/_local/resources`), and what a request
 * that reaches it gets; undefined when it can.
 */
export function nonProxyNotServed(method: MethodDef): { reason: string; answers: string } | undefined {
  const integration = method.integration;
  if (integration.type === 'AWS' && integration.target.kind === 'service') {
    const { service, action, path } = integration.target;
    const actions = EMULATED_SERVICE_ACTIONS[service];
    const answers = "the service's 400 naming it, through the integration responses";
    if (!actions)
      return {
        reason: `AWS integration to ${service} is not emulated (emulated: ${Object.keys(EMULATED_SERVICE_ACTIONS).join(', ')})`,
        answers,
      };
    if (action && !actions.includes(action))
      return { reason: `AWS integration ${service} ${action} is not emulated (emulated: ${actions.join(', ')})`, answers };
    if (!action && path && service !== 'sqs') return { reason: `AWS integration ${service} path/${path} is not emulated`, answers };
  }
  if (
    method.authorizationType === 'CUSTOM' &&
    (!method.authorizer?.functionName || !['TOKEN', 'REQUEST'].includes(method.authorizer.type))
  ) {
    return {
      reason: `authorizer ${method.authorizer?.name ?? '?'} (${method.authorizer?.type ?? 'missing'}) has no function the local cloud can call`,
      answers: '500',
    };
  }
  return undefined;
}
