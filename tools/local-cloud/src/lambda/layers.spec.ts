import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { layerNodePath, mergeLayers } from './layers';

describe('layers', () => {
  let root: string;
  const file = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'layers-spec-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('merges the layers in order, a later layer replacing an earlier one file by file', () => {
    file('one/nodejs/node_modules/a/index.js', 'one-a');
    file('one/nodejs/node_modules/b/index.js', 'one-b');
    file('two/nodejs/node_modules/b/index.js', 'two-b');
    file('two/bin/tool', 'tool');
    const opt = mergeLayers([join(root, 'one'), join(root, 'two')], join(root, 'state'));
    expect(readFileSync(join(opt, 'nodejs/node_modules/a/index.js'), 'utf8')).toBe('one-a');
    expect(readFileSync(join(opt, 'nodejs/node_modules/b/index.js'), 'utf8')).toBe('two-b');
    expect(readFileSync(join(opt, 'bin/tool'), 'utf8')).toBe('tool');
    const reversed = mergeLayers([join(root, 'two'), join(root, 'one')], join(root, 'state'));
    expect(reversed).not.toBe(opt);
    expect(readFileSync(join(reversed, 'nodejs/node_modules/b/index.js'), 'utf8')).toBe('one-b');
    expect(mergeLayers([join(root, 'one'), join(root, 'two')], join(root, 'state'))).toBe(opt);
  });

  it("puts the runtime's own folder before the shared one on the module path, as Lambda's NODE_PATH does", () => {
    expect(layerNodePath('/x/opt', 'nodejs20.x')).toEqual(['/x/opt/nodejs/node20/node_modules', '/x/opt/nodejs/node_modules']);
    expect(layerNodePath('/x/opt', 'provided.al2')).toEqual(['/x/opt/nodejs/node_modules']);
  });
});
