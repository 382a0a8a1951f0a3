/**
 * `nx run <service>:openapi`: writes the OpenAPI 3.1 document of a service's HTTP API, built from
 * its route table (`<root>/src/api/routes.ts`, export `api`), to `dist/<root>/openapi.json`.
 * Run with tsx and the service's tsconfig (its `@shop/*` paths):
 * `tsx --tsconfig apps/product/tsconfig.json libs/http/src/api/write-openapi.ts apps/product dist/apps/product/openapi.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openApiDocument } from './openapi';
import type { ApiSpec } from './routes';

/** Where a service declares its HTTP API, relative to its root: the plugin infers `openapi` where it exists. */
export const API_ROUTES_FILE = 'src/api/routes.ts';

const isApiSpec = (value: unknown): value is ApiSpec =>
  typeof value === 'object' && value !== null && 'info' in value && 'routes' in value && 'schemas' in value;

/** Loads a service's API (its `api` export) and writes its document as pretty JSON; returns the document's text. */
export const writeOpenApi = async (root: string, output: string): Promise<string> => {
  const file = path.resolve(root, API_ROUTES_FILE);
  const loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const api = loaded.api ?? (loaded.default as Record<string, unknown> | undefined)?.api;
  if (!isApiSpec(api)) throw new Error(`${file} does not export an API (const api = defineApi(...)).`);
  const text = `${JSON.stringify(openApiDocument(api), null, 2)}\n`; // the same text as @shop/clients/generate documentText
  mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
  writeFileSync(path.resolve(output), text);
  return text;
};

if (require.main === module) {
  const [root, output] = process.argv.slice(2);
  if (!root || !output) {
    console.error('usage: write-openapi.ts <service root> <output file>');
    process.exit(2);
  }
  writeOpenApi(root, output).then(
    () => console.log(`${output} written from ${root}/${API_ROUTES_FILE}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
