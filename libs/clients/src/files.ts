import type { ApiService } from './services';

/** Where the generated types of a service live, from the workspace root. */
export const generatedTypesFile = (service: ApiService): string => `libs/clients/src/generated/${service}.ts`;

/** Where the copy of a service's OpenAPI document lives, from the workspace root. */
export const generatedDocumentFile = (service: ApiService): string => `libs/clients/src/generated/${service}.openapi.json`;

/** A document as `src/generated/<service>.openapi.json` holds it (and as `nx run <service>:openapi` writes it). */
export const documentText = (document: object): string => `${JSON.stringify(document, null, 2)}\n`;
