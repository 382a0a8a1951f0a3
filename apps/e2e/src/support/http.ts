/** A test client for the local cloud: HTTP only, tokens from its /_local/tokens endpoint. */

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

const tokens = new Map<string, string>();

/** An ID token of the local user pool for the caller (cached per caller). */
export async function tokenFor(caller: Exclude<Caller, 'anonymous'>, options: { expired?: boolean } = {}): Promise<string> {
  const key = `${caller}${options.expired ? ':expired' : ''}`;
  const cached = tokens.get(key);
  if (cached) return cached;
  const [username, groups] = caller === 'admin' ? ['e2e-admin', ['admin']] : [caller.slice('customer:'.length), []];
  const response = await fetch(`${baseUrl()}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, groups, expired: options.expired }),
  });
  if (!response.ok) throw new Error(`no token: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  tokens.set(key, token);
  return token;
}

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
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** A value unique to this run, so journeys never meet data of an earlier one. */
export const runId = Date.now().toString(36).toUpperCase();
