import { execFileSync } from 'node:child_process';
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
