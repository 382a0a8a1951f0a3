import { lambdaEnvironment, LOCAL_CREDENTIALS, LOCAL_REGION, type FunctionDef } from '@shop/local-cloud';

/**
 * The environment the local cloud gives a function (region, credentials, Lambda's own variables,
 * the template's), for the benches that run its bundle outside the local cloud: the floor's
 * in-process server and the cold-start probes.
 */
export function functionEnvironment(fn: FunctionDef): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: 'local',
    ...lambdaEnvironment(fn),
    ...fn.environment,
  };
}
