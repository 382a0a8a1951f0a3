import { existsSync, globSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Ownership guard: every Nx project has an owner line of its own (not only the catch-all), and every
 * owner line points at something that exists.
 */
const workspaceRoot = path.resolve(__dirname, '../../..');

interface OwnerLine {
  pattern: string;
  owners: string[];
}

function readOwnerLines(): OwnerLine[] {
  return readFileSync(path.join(workspaceRoot, '.github/CODEOWNERS'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [pattern, ...owners] = line.split(/\s+/);
      return { pattern, owners };
    });
}

function projectRoots(): string[] {
  return globSync('{apps,libs,tools}/**/project.json', { cwd: workspaceRoot, exclude: (p) => p.includes('node_modules') })
    .map((file) => path.dirname(file))
    .sort();
}

/** The owner line that governs `root`: the last directory pattern that contains it (CODEOWNERS semantics). */
function ownerOf(root: string, lines: OwnerLine[]): OwnerLine | undefined {
  return lines.filter((line) => line.pattern !== '*' && `/${root}/`.startsWith(line.pattern)).at(-1);
}

describe('CODEOWNERS', () => {
  const lines = readOwnerLines();

  it('gives every project an owner line of its own or of its folder', () => {
    const unowned = projectRoots().filter((root) => ownerOf(root, lines) === undefined);
    expect(unowned).toEqual([]);
  });

  it('names at least one team on every line', () => {
    const ownerless = lines.filter((line) => line.owners.length === 0 || !line.owners.every((o) => /^@[\w-]+\/[\w-]+$/.test(o)));
    expect(ownerless).toEqual([]);
  });

  it('points every line at a path that exists', () => {
    const dangling = lines
      .map((line) => line.pattern)
      .filter((pattern) => pattern !== '*' && !existsSync(path.join(workspaceRoot, pattern)));
    expect(dangling).toEqual([]);
  });

  it('gives each service folder its own team, not the platform team', () => {
    const services = projectRoots().filter((root) => root.startsWith('apps/') && !['apps/platform', 'apps/e2e'].includes(root));
    const platformOwned = services.filter((root) => ownerOf(root, lines)?.owners.includes('@serverless-shop/platform'));
    expect(platformOwned).toEqual([]);
  });
});
