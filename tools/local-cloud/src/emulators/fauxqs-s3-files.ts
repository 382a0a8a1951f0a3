import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

/** fauxqs's S3 store wired to its file storage, and what closes the storage. */
export interface FileBackedS3 {
  /** fauxqs's `S3Store`, for `buildApp({ stores: { s3Store } })`. */
  s3Store: unknown;
  close(): void;
}

/**
 * fauxqs's file-based S3 storage (what its `startFauxqs({ s3StorageDir })` does) for the embedded
 * fauxqs: objects as files under `dir`, loaded at start and written through on every change.
 * `startFauxqs` itself cannot be used (it listens on 0.0.0.0) and fauxqs exports neither
 * `S3Store` nor `FileS3Persistence`, so both are loaded from its dist by path: this follows the
 * pinned fauxqs 2.4.1 (the `--persist` case of `conformance/s3.int.spec.ts` fails if a new version moves them). Loaded
 * only with `--persist`.
 */
export async function fileBackedS3(dir: string): Promise<FileBackedS3> {
  const dist = dirname(fileURLToPath(import.meta.resolve('fauxqs')));
  const load = async (file: string) =>
    (await import(pathToFileURL(join(dist, file)).href)) as Record<string, new (...args: unknown[]) => never>;
  const { S3Store } = await load('s3/s3Store.js');
  const { FileS3Persistence } = await load('s3/fileS3Persistence.js');
  const s3Store = new S3Store() as { persistence?: unknown };
  const persistence = new FileS3Persistence(dir) as { loadS3(store: unknown): void; close(): void };
  // As startFauxqs does: load first, then write through.
  persistence.loadS3(s3Store);
  s3Store.persistence = persistence;
  return { s3Store, close: () => persistence.close() };
}
