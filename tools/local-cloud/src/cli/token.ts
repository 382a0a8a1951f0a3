/**
 * `npm run -s token -- --admin` / `--customer alice`: prints an ID token the local Cognito
 * authorizer accepts (signed with the key in .local-cloud/, issued by the user pool found in the
 * assemblies). Only the token goes to stdout, so `$(npm run -s token -- --admin)` works.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { discoverAssemblies, loadAssembly } from '../assembly/cloud-assembly';
import { buildModel } from '../assembly/model';
import { issueIdToken, loadOrCreateSigningKey } from '../auth/tokens';
import { stateDirOf, workspaceRoot } from './options';

const USAGE = `Usage: npm run -s token -- (--admin | --customer <name> | --user <name> [--groups a,b]) [--ttl <seconds>] [--expired]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      admin: { type: 'boolean' },
      customer: { type: 'string' },
      user: { type: 'string' },
      groups: { type: 'string' },
      ttl: { type: 'string' },
      expired: { type: 'boolean' },
      assemblies: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || (!values.admin && !values.customer && !values.user)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const root = workspaceRoot();
  const username = values.admin ? 'admin' : (values.customer ?? values.user ?? 'user');
  const groups = values.admin ? ['admin'] : (values.groups?.split(',').filter(Boolean) ?? []);

  const assembliesRoot = join(root, values.assemblies ?? process.env.LOCAL_CLOUD_ASSEMBLIES ?? 'dist/apps');
  const stacks = discoverAssemblies(assembliesRoot).flatMap((location) => loadAssembly(location));
  const pool = buildModel(stacks, { sqsEndpoint: 'http://127.0.0.1:0', workDir: join(tmpdir(), 'local-cloud-token') }).userPools[0];
  if (!pool) process.stderr.write(`no Cognito user pool in ${assembliesRoot}; issuing a token for a placeholder pool\n`);

  const key = await loadOrCreateSigningKey(stateDirOf(root));
  const ttl = Number(values.ttl ?? 3600);
  const now = Math.floor(Date.now() / 1000) - (values.expired ? ttl + 60 : 0);
  const token = await issueIdToken(key, {
    username,
    groups,
    userPoolId: pool?.id ?? 'us-east-1_local',
    clientId: pool?.clientIds[0] ?? 'local-client',
    ttlSeconds: ttl,
    now,
  });
  process.stdout.write(`${token}\n`);
}

void main();
