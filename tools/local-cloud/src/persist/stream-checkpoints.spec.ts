import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepCheckpoints, keptCheckpoints } from './stream-checkpoints';

let dataDir: string;
beforeEach(() => (dataDir = join(mkdtempSync(join(tmpdir(), 'checkpoints-')), 'data')));
afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

describe('stream checkpoints kept with --persist', () => {
  it('reads back what was kept per mapping, keeps the other mappings when one is written again', () => {
    expect(keptCheckpoints(dataDir, 'shop-local-product/Relay')).toBeUndefined();
    keepCheckpoints(dataDir, [
      ['shop-local-product/Relay', new Map([['shardId-1', '100']])],
      ['shop-local-order/Relay', new Map([['shardId-9', '7']])],
    ]);
    keepCheckpoints(dataDir, [['shop-local-product/Relay', new Map([['shardId-1', '250']])]]);
    expect(keptCheckpoints(dataDir, 'shop-local-product/Relay')).toEqual(new Map([['shardId-1', '250']]));
    expect(keptCheckpoints(dataDir, 'shop-local-order/Relay')).toEqual(new Map([['shardId-9', '7']]));
    expect(JSON.parse(readFileSync(join(dataDir, 'stream-checkpoints.json'), 'utf8'))).toEqual({
      'shop-local-product/Relay': { 'shardId-1': '250' },
      'shop-local-order/Relay': { 'shardId-9': '7' },
    });
  });

  it('starts from nothing when the file is not what it wrote', () => {
    keepCheckpoints(dataDir, []);
    writeFileSync(join(dataDir, 'stream-checkpoints.json'), '{"shop-local-product/Relay": ["not", "a", "map"]}');
    expect(keptCheckpoints(dataDir, 'shop-local-product/Relay')).toBeUndefined();
    writeFileSync(join(dataDir, 'stream-checkpoints.json'), '{"cut off');
    expect(keptCheckpoints(dataDir, 'shop-local-product/Relay')).toBeUndefined();
  });
});
