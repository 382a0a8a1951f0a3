/**
 * `npx nx run <service>:deploy -c local` runs this: asks the running local cloud to swap in the
 * service's freshly synthesized assembly (POST /_local/deploy, with the control secret the local
 * cloud wrote in its state dir). Tables keep their data; the other services keep running.
 */
import { CONTROL_SECRET_HEADER, ControlSecretMissingError, readControlSecret } from '../control-plane/secret';
import { stateDirOf } from './options';

const service = process.argv[2];
const port = process.env.PORT ?? '3000';

async function main(): Promise<void> {
  if (!service) {
    process.stderr.write('Usage: deploy <service>\n');
    process.exit(2);
  }
  let secret: string;
  try {
    secret = readControlSecret(stateDirOf());
  } catch (error) {
    if (!(error instanceof ControlSecretMissingError)) throw error;
    process.stderr.write(`${error.message}, then deploy again.\n`);
    process.exit(1);
  }
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}/_local/deploy`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTROL_SECRET_HEADER]: secret },
      body: JSON.stringify({ service }),
    });
  } catch {
    process.stderr.write(`No local cloud answers on 127.0.0.1:${port}. Start it with \`npm start\`, then deploy again.\n`);
    process.exit(1);
  }
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    process.stderr.write(`deploy of ${service} failed: ${String(body.message)}\n`);
    process.exit(1);
  }
  const { durationMs, functions, routes, queues, topics, stateMachines, tables, warnings } = body as {
    durationMs: number;
    functions: number;
    routes: number;
    queues: number;
    topics: number;
    stateMachines: number;
    tables: Record<string, string>;
    warnings: string[];
  };
  process.stdout.write(
    `deployed ${service} to the local cloud in ${durationMs} ms: ${functions} function(s), ${routes} route(s), ${queues} queue(s), ${topics} topic(s), ${stateMachines} state machine(s); tables: ${
      Object.entries(tables)
        .map(([name, state]) => `${name} ${state}`)
        .join(', ') || 'none'
    }\n`,
  );
  for (const warning of warnings) process.stdout.write(`  warning: ${warning}\n`);
}

void main();
