/**
 * A test client for the local cloud: HTTP only, tokens from its /_local/tokens endpoint (with the
 * control secret). Every answer of a service is held to its OpenAPI document (@shop/clients'
 * contract checks): an undocumented route, status, header or field fails the journey.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contractMiddleware, createShopClients, shopContract, type ShopClients } from '@shop/clients';

export type Caller = 'admin' | `customer:${string}` | 'anonymous';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export const baseUrl = (): string => {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run the suite through its jest config (global setup starts the local cloud)');
  return url;
};

/**
 * The control secret the local cloud wrote at its start (`<state dir>/control-secret`): the
 * header `x-local-cloud-secret` of every change to `/_local/*`, and the secret access key of SDK
 * calls to `/_aws/*` (with access key id LOCALCLOUDCONTROL).
 */
export function controlSecret(): string {
  const stateDir = process.env.E2E_LOCAL_CLOUD_STATE_DIR;
  if (!stateDir)
    throw new Error('E2E_LOCAL_CLOUD_STATE_DIR is not set: run the suite through its jest config (global setup starts the local cloud)');
  const file = path.join(stateDir, 'control-secret');
  if (!existsSync(file))
    throw new Error(`${file} does not exist: is the local cloud running? (global setup starts it; by hand: npm start)`);
  return readFileSync(file, 'utf8').trim();
}

/** Credentials for an AWS SDK client pointed at the local cloud's `/_aws/*` endpoints (SigV4 with the control secret). */
export const localCloudCredentials = () => ({ accessKeyId: 'LOCALCLOUDCONTROL', secretAccessKey: controlSecret() });

/** A call to the local cloud's own endpoints (`/_local/*`), with the control secret. */
export async function localCloud<T = Record<string, unknown>>(method: string, localPath: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl()}${localPath}`, {
    method,
    headers: { 'x-local-cloud-secret': controlSecret(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${localPath} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

const tokens = new Map<string, string>();

/** An ID token of the local user pool for the caller (cached per caller). */
export async function tokenFor(caller: Exclude<Caller, 'anonymous'>, options: { expired?: boolean } = {}): Promise<string> {
  const key = `${caller}${options.expired ? ':expired' : ''}`;
  const cached = tokens.get(key);
  if (cached) return cached;
  const [username, groups] = caller === 'admin' ? ['e2e-admin', ['admin']] : [caller.slice('customer:'.length), []];
  const { token } = await localCloud<{ token: string }>('POST', '/_local/tokens', { username, groups, expired: options.expired });
  tokens.set(key, token);
  return token;
}

/** The contract checks of every service's document, shared by the suite. */
const contract = shopContract();

/** Checks one answer of a service against its document. @throws ContractViolation naming route, status and what is wrong. */
export const checkContract = (method: string, requestPath: string, response: { status: number; headers: Headers; text: string }): void =>
  contract.check({
    method,
    path: new URL(requestPath, 'http://shop').pathname,
    status: response.status,
    headers: response.headers,
    body: response.text,
  });

/** How many answers the contract checks passed in this test file (each suite prints it). */
export const contractStats = { checked: 0 };

/**
 * Typed clients (openapi-fetch, @shop/clients) of every service for `caller`, every answer
 * checked against its document.
 */
export async function clientsFor(caller: Caller): Promise<ShopClients> {
  const token = caller === 'anonymous' ? undefined : await tokenFor(caller);
  return createShopClients({
    baseUrl: baseUrl(),
    headers: token ? { authorization: `Bearer ${token}` } : {},
    middleware: [
      contractMiddleware(contract),
      {
        onResponse: () => {
          contractStats.checked += 1;
          return undefined;
        },
      },
    ],
  });
}

/**
 * One request to a service, its answer checked against the service's document (a contract
 * violation throws); for the journeys that send what a typed client would not (hostile input).
 */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { as?: Caller; body?: unknown; headers?: Record<string, string>; token?: string } = {},
): Promise<ApiResponse<T>> {
  const caller = options.as ?? 'anonymous';
  const token = options.token ?? (caller === 'anonymous' ? undefined : await tokenFor(caller));
  const response = await fetch(`${baseUrl()}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  checkContract(method, path, { status: response.status, headers: response.headers, text });
  contractStats.checked += 1;
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** A value unique to this run, so journeys never meet data of an earlier one. */
export const runId = Date.now().toString(36).toUpperCase();
