/**
 * @shop/http: the REST edge of a service: a Powertools router on service-relative paths whose
 * errors are RFC 9457 problem+json (one mapper from domain errors to statuses), zod validation
 * of bodies, queries and path parameters that names every bad field, the caller's claims, and
 * version entity tags (`ETag` / `If-Match`) for optimistic locking.
 * Its errors are `@shop/domain` errors, so the one mapper covers them too.
 */
export * from './problem';
export * from './errors';
export * from './validation';
export * from './claims';
export * from './router';
export * from './etag';
export * from './register-routes';
