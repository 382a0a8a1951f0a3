import { readFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { documentPath, openApiDocument, type RouteSpec } from '@shop/http/api';
import { BASE_PATH } from '../infra/inventory-stack';
import { api } from './routes';

describe('the inventory API document (dist/apps/inventory/openapi.json)', () => {
  const document = openApiDocument(api);

  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    expect(document.openapi).toBe('3.1.0');
  });

  it("sits at the stack's base path on the API domain", () => {
    expect(api.info.basePath).toBe(`/${BASE_PATH}`);
    expect(api.info.service).toBe('inventory');
  });

  it('has an operation for every route of the table, with its auth and problem+json errors', () => {
    for (const [id, route] of Object.entries(api.routes as Record<string, RouteSpec>)) {
      const operation = document.paths[documentPath(api.info, route.path)]?.[route.method.toLowerCase()] as {
        operationId: string;
        responses: Record<string, unknown>;
        security: unknown[];
      };
      expect(operation.operationId).toBe(id);
      expect(Object.keys(operation.responses)).toContain('500');
      if (route.auth !== 'public') expect([id, Object.keys(operation.responses)]).toEqual([id, expect.arrayContaining(['401'])]);
      expect(operation.security.length).toBe(route.auth === 'public' ? 0 : 1);
    }
  });

  it('is the document @shop/clients holds (else run: npx nx run clients:generate)', () => {
    const workspace = path.join(__dirname, '../../../..');
    // Read, not imported: a service does not depend on @shop/clients (a change there deploys no service).
    const copy = readFileSync(path.join(workspace, 'libs/clients/src/generated/inventory.openapi.json'), 'utf8');
    expect(copy).toBe(`${JSON.stringify(document, null, 2)}\n`);
  });
});
