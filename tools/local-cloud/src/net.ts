/** A TCP port free on 127.0.0.1 right now (the OS picks it): the same picker the tests' DynamoDB Local uses. */
export { findFreePort as freePort } from '@shop/emulators';
