import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Where each stream event source mapping got to, kept with `--persist` so that a restart on the
 * kept tables goes on from there, as Lambda's mappings do, instead of reading every record of
 * the stream again (republishing every event an outbox ever relayed):
 * `<data dir>/stream-checkpoints.json`, `{ "<stack>/<mapping logical id>": { "<shard id>": "<sequence number>" } }`.
 * Written when the local cloud stops; a run killed with SIGKILL leaves the positions of its last stop.
 */
const FILE = 'stream-checkpoints.json';

const fileSchema = z.record(z.string(), z.record(z.string(), z.string()));

type CheckpointFile = z.infer<typeof fileSchema>;

function readFile(dataDir: string): CheckpointFile {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
  const parsed = fileSchema.safeParse(json);
  return parsed.success ? parsed.data : {};
}

/** The kept positions of one mapping (`<stack>/<logical id>`), if any. */
export function keptCheckpoints(dataDir: string, mapping: string): Map<string, string> | undefined {
  const shards = readFile(dataDir)[mapping];
  return shards ? new Map(Object.entries(shards)) : undefined;
}

/** Keeps the positions of these mappings (the others in the file stay as they were). */
export function keepCheckpoints(dataDir: string, mappings: Iterable<[mapping: string, checkpoints: ReadonlyMap<string, string>]>): void {
  const file = readFile(dataDir);
  for (const [mapping, checkpoints] of mappings) file[mapping] = Object.fromEntries(checkpoints);
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
