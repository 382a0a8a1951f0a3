/**
 * @shop/emulators: the local stand-ins for AWS that the tests and the local cloud share, so that
 * each exists once. DynamoDB Local's launcher (in memory, 127.0.0.1 only, Java checks, a reaped
 * JVM after a SIGKILL) and API Gateway's REST proxy event (payload format 1.0).
 * Tagged type:testing: never imported by Lambda code.
 */
export * from './errors';
export { parseJavaMajorVersion, assertJava } from './dynamodb-local/java';
export * from './dynamodb-local/spawn-dynamodb-local';
export * from './dynamodb-local/start-dynamodb-local';
export * from './api-gateway/proxy-event';
