import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { asyncApiPath, buildAsyncApi } from './asyncapi';
import { PRODUCERS } from './producers';
import { checkProducer, describeFailures, resolveBase } from './repo-check';
import { buildSnapshot, serializeSnapshot, snapshotPath } from './snapshot';
import { readSubscriptions } from './subscriptions';

/**
 * The event contracts' command line (run with tsx from the workspace root):
 * - `asyncapi <service>`: writes the producer's AsyncAPI document (`nx run <service>-contracts:asyncapi`);
 * - `update`: rewrites every producer's contract snapshot (`npm run contracts:update`);
 * - `check`: the compatibility check the tests run, with its findings printed.
 */
const root = process.cwd();

const write = (path: string, text: string): void => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path}`);
};

const producerOf = (service: string | undefined) => {
  const producer = service === undefined ? undefined : PRODUCERS[service];
  if (!producer) throw new Error(`Unknown producer ${String(service)}; one of: ${Object.keys(PRODUCERS).join(', ')}.`);
  return producer;
};

const [command, service] = process.argv.slice(2);
if (command === 'asyncapi') {
  const producer = producerOf(service);
  write(asyncApiPath(producer.service), `${JSON.stringify(buildAsyncApi(producer, readSubscriptions(root)), null, 2)}\n`);
} else if (command === 'update') {
  for (const producer of Object.values(PRODUCERS)) write(snapshotPath(producer.service), serializeSnapshot(buildSnapshot(producer)));
} else if (command === 'check') {
  const base = resolveBase(root);
  const failures = describeFailures(
    Object.values(PRODUCERS).map((producer) => checkProducer(root, base, producer)),
    base,
  );
  for (const line of failures) console.error(line);
  console.log(failures.length === 0 ? `Event contracts compatible with ${base.slice(0, 12)}.` : `${failures.length} problem(s).`);
  process.exitCode = failures.length === 0 ? 0 : 1;
} else {
  console.error('Usage: tsx tools/event-contracts/src/cli.ts asyncapi <service> | update | check');
  process.exitCode = 2;
}
