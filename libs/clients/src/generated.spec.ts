import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const workspace = path.join(__dirname, '../../..');

describe('the generated types of @shop/clients', () => {
  it('are what openapi-typescript generates from the committed documents (else run: npx nx run clients:generate)', () => {
    // openapi-typescript loads ES modules Jest cannot require: it runs in its own process, as the generate target runs it.
    const output = execFileSync(
      path.join(workspace, 'node_modules/.bin/tsx'),
      ['--tsconfig', 'libs/clients/tsconfig.json', 'libs/clients/src/generate.ts', '--check'],
      { cwd: workspace, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(output).toContain('6 generated types files match their documents');
  });
});

describe('the committed documents of @shop/clients', () => {
  it.each(['product', 'basket', 'order', 'inventory', 'payment', 'shipping'])(
    'hold what nx run %s:openapi builds from its route table (the test target runs it first)',
    (service) => {
      const built = path.join(workspace, `dist/apps/${service}/openapi.json`);
      expect(readFileSync(path.join(workspace, `libs/clients/src/generated/${service}.openapi.json`), 'utf8')).toBe(
        readFileSync(built, 'utf8'),
      );
    },
  );
});
