/**
 * The local cloud's public API (`@shop/local-cloud`): what tools outside it (the benchmarks in
 * tools/local-cloud-bench) may use. They start the built local cloud as a process and talk to it
 * over HTTP; the rest is what the GET bench's floor needs to call one function the way the
 * gateway would, without the local cloud: the assemblies' model, route matching, proxy events and
 * a function's environment.
 */
import { join } from 'node:path';
import { workspaceRoot } from './cli/options';

export { workspaceRoot };
export { freePort } from './net';
export { discoverAssemblies, loadAssembly } from './assembly/cloud-assembly';
export { buildModel, type FunctionDef, type MethodDef, type RestApiDef } from './assembly/model';
export { LOCAL_REGION } from './assembly/naming';
export { issueIdToken, loadOrCreateSigningKey } from './auth/tokens';
export { CONTROL_SECRET_HEADER, readControlSecret } from './control-plane/secret';
export { incomingRequest } from './api/gateway';
export { buildProxyEvent, parseProxyResponse } from './api/proxy-event';
export { RestRoutes } from './api/rest-routes';
export { awsJsonCall } from './emulators/aws-json-client';
export { LOCAL_CREDENTIALS } from './emulators/messaging';
export { functionLabel, lambdaEnvironment } from './lambda/function-pool';
export { createDevScratch, type DevScratch } from './dev/scratch-workspace';

/** The built local cloud's entry (`nx run local-cloud:build`), to start it as a process: `node <it> [options]`. */
export function localCloudMain(root = workspaceRoot()): string {
  return join(root, 'dist/tools/local-cloud/main.mjs');
}
