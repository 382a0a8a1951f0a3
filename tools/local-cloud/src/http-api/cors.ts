import type { HttpCorsDef } from './model';

/** Whether `origin` is one of the configured origins (`*`, exact, or a `https://*.example.com` wildcard). */
function originAllowed(cors: HttpCorsDef, origin: string): boolean {
  return cors.allowOrigins.some((allowed) => {
    if (allowed === '*') return true;
    if (!allowed.includes('*')) return allowed.toLowerCase() === origin.toLowerCase();
    const pattern = new RegExp(
      `^${allowed
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*')}$`,
      'i',
    );
    return pattern.test(origin);
  });
}

const allowOriginValue = (cors: HttpCorsDef, origin: string) => (cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin);

/**
 * API Gateway's answer to a CORS preflight (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`) on an API with a `CorsConfiguration`: a 204 from the gateway
 * itself, whatever the routes, with the allowed origin, methods, headers, max age and credentials;
 * no CORS headers when the origin or the method is not allowed. Undefined when the request is no
 * preflight.
 */
export function corsPreflight(
  cors: HttpCorsDef | undefined,
  method: string,
  header: (name: string) => string | undefined,
): { statusCode: number; headers: [string, string][] } | undefined {
  const origin = header('origin');
  const requestedMethod = header('access-control-request-method');
  if (!cors || method !== 'OPTIONS' || !origin || !requestedMethod) return undefined;
  const methodAllowed =
    cors.allowMethods.includes('*') || cors.allowMethods.some((allowed) => allowed.toUpperCase() === requestedMethod.toUpperCase());
  if (!originAllowed(cors, origin) || !methodAllowed) return { statusCode: 204, headers: [] };
  const requestedHeaders = header('access-control-request-headers');
  const headers: [string, string][] = [['access-control-allow-origin', allowOriginValue(cors, origin)]];
  if (cors.allowCredentials) headers.push(['access-control-allow-credentials', 'true']);
  headers.push(['access-control-allow-methods', cors.allowMethods.includes('*') ? requestedMethod : cors.allowMethods.join(',')]);
  if (cors.allowHeaders.length > 0)
    headers.push([
      'access-control-allow-headers',
      cors.allowHeaders.includes('*') ? (requestedHeaders ?? '*') : cors.allowHeaders.join(','),
    ]);
  if (cors.maxAge !== undefined) headers.push(['access-control-max-age', String(cors.maxAge)]);
  return { statusCode: 204, headers };
}

/**
 * The CORS headers API Gateway puts on an integration's answer to a request with an allowed
 * `Origin` (allow-origin, expose-headers, credentials); the integration's own
 * `Access-Control-*` headers are dropped, as API Gateway ignores them once CORS is configured.
 */
export function withCorsHeaders(
  cors: HttpCorsDef | undefined,
  origin: string | undefined,
  headers: [string, string][],
): [string, string][] {
  if (!cors) return headers;
  const kept = headers.filter(([name]) => !name.toLowerCase().startsWith('access-control-'));
  if (!origin || !originAllowed(cors, origin)) return kept;
  kept.push(['access-control-allow-origin', allowOriginValue(cors, origin)]);
  if (cors.allowCredentials) kept.push(['access-control-allow-credentials', 'true']);
  if (cors.exposeHeaders.length > 0) kept.push(['access-control-expose-headers', cors.exposeHeaders.join(',')]);
  return kept;
}
