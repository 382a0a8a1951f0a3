/**
 * @shop/http/api: a service's HTTP API as data (its route table and zod schemas, {@link defineApi})
 * and the OpenAPI 3.1 document built from it ({@link openApiDocument}). No AWS SDK and no
 * Powertools here: the `openapi` target imports a service's API at build time.
 */
export * from './routes';
export * from './problem-schema';
export * from './openapi';
