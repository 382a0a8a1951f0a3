/**
 * @shop/http/api/testing: the checks every service's API document passes, written once. A service's
 * `src/api/routes.spec.ts` calls {@link describeApiDocument} with its route table. Test code only (Jest
 * globals, swagger-parser): its own entry point, which no Lambda code imports.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { documentPath, openApiDocument } from './openapi';
import type { ApiSpec, RouteSpec } from './routes';

const WORKSPACE_ROOT = path.join(__dirname, '../../../..');

interface Operation {
  operationId: string;
  responses: Record<string, unknown>;
  security: unknown[];
}

/**
 * Checks a service's document (`dist/apps/<service>/openapi.json`): valid OpenAPI 3.1 (swagger-parser),
 * at the stack's base path, one operation per route with its auth and errors, and equal to the copy
 * `@shop/clients` holds (read as a file: a service does not depend on @shop/clients, so a change there
 * deploys no service).
 */
export function describeApiDocument(api: ApiSpec, expected: { service: string; basePath: string }): void {
  describe(`the ${expected.service} API document (dist/apps/${expected.service}/openapi.json)`, () => {
    const document = openApiDocument(api);

    it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
      await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
      expect(document.openapi).toBe('3.1.0');
    });

    it("sits at the stack's base path on the API domain", () => {
      expect(api.info.basePath).toBe(`/${expected.basePath}`);
      expect(api.info.service).toBe(expected.service);
    });

    it('has an operation for every route of the table, with its auth and problem+json errors', () => {
      for (const [id, route] of Object.entries(api.routes as Record<string, RouteSpec>)) {
        // The document's JSON, read back as the operation it must be.
        const operation = document.paths[documentPath(api.info, route.path)]?.[route.method.toLowerCase()] as unknown as
          Operation | undefined;
        if (!operation) throw new Error(`route ${id}: no ${route.method} ${route.path} in the document`);
        expect(operation.operationId).toBe(id);
        expect(Object.keys(operation.responses)).toContain('500');
        if (route.auth !== 'public') expect([id, Object.keys(operation.responses)]).toEqual([id, expect.arrayContaining(['401'])]);
        expect(operation.security.length).toBe(route.auth === 'public' ? 0 : 1);
      }
    });

    it('is the document @shop/clients holds (else run: npx nx run clients:generate)', () => {
      const copy = readFileSync(path.join(WORKSPACE_ROOT, `libs/clients/src/generated/${expected.service}.openapi.json`), 'utf8');
      expect(copy).toBe(`${JSON.stringify(document, null, 2)}\n`);
    });
  });
}
