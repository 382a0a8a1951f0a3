/** A TCP port free on 127.0.0.1 right now (the OS picks it): for servers that bind at once (the gateway, fauxqs). */
export { findFreePort as freePort } from '@shop/emulators';
/** A free port for DynamoDB Local's JVM, which binds it a second or more later: below the OS's ephemeral range, so no `listen(0)` takes it meanwhile. */
export { findPortForSlowStart as freePortForJvm } from '@shop/emulators';
