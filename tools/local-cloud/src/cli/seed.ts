import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';

/** One request of a seed file. */
interface SeedRequest {
  method: string;
  path: string;
  /** `admin` (a token in the admin group), `customer` or `anonymous`. */
  as?: 'admin' | 'customer' | 'anonymous';
  body?: unknown;
}

interface SeedFile {
  description?: string;
  requests: SeedRequest[];
}

/**
 * Seeds demo data through the public APIs, as a client would: `seed/<base path>.json` runs when
 * an API is mounted at that base path (seed/products.json once product is up).
 */
export async function seed(options: {
  seedDir: string;
  baseUrl: string;
  mountedBasePaths: string[];
  token: (role: 'admin' | 'customer') => Promise<string | undefined>;
  logger: Logger;
}): Promise<{ file: string; ok: number; failed: number }[]> {
  if (!existsSync(options.seedDir)) return [];
  const results: { file: string; ok: number; failed: number }[] = [];
  for (const file of readdirSync(options.seedDir)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const basePath = file.replace(/\.json$/, '');
    if (!options.mountedBasePaths.includes(basePath)) continue;
    const seedFile = JSON.parse(readFileSync(join(options.seedDir, file), 'utf8')) as SeedFile;
    let ok = 0;
    let failed = 0;
    for (const request of seedFile.requests) {
      const role = request.as ?? 'admin';
      const token = role === 'anonymous' ? undefined : await options.token(role);
      const response = await fetch(`${options.baseUrl}${request.path}`, {
        method: request.method,
        headers: {
          'content-type': 'application/json',
          'x-correlation-id': `seed-${basePath}-${ok + failed + 1}`,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      const text = await response.text();
      if (response.ok) ok += 1;
      else {
        failed += 1;
        options.logger.warn(`seed ${file}: ${request.method} ${request.path} -> ${response.status} ${text.slice(0, 300)}`);
      }
    }
    results.push({ file, ok, failed });
    options.logger.info(`seeded ${file}: ${ok} ok${failed ? `, ${failed} failed` : ''}`);
  }
  return results;
}
