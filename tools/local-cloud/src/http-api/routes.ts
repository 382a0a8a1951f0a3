import type { HttpRouteDef } from './model';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

interface CompiledRoute {
  route: HttpRouteDef;
  method: string;
  path: string;
  segments: Segment[];
}

/** A route chosen for a request, with its path parameters (decoded). */
export interface HttpRouteMatch {
  route: HttpRouteDef;
  /** The route's path (`/items/{id}`), `$default` for the default route. */
  path: string;
  pathParameters: Record<string, string> | null;
}

const KIND_RANK = { literal: 0, param: 1, greedy: 2 } as const;

/** `GET /items/{id}` → method and path; `$default` → undefined. */
export function parseRouteKey(routeKey: string): { method: string; path: string } | undefined {
  if (routeKey === '$default') return undefined;
  const match = /^(\S+)\s+(\/\S*)$/.exec(routeKey.trim());
  if (!match) throw new Error(`route key ${routeKey} is not "METHOD /path" or $default`);
  return { method: match[1].toUpperCase(), path: match[2] };
}

function compile(route: HttpRouteDef): CompiledRoute | undefined {
  const parsed = parseRouteKey(route.routeKey);
  if (!parsed) return undefined;
  const segments = parsed.path
    .split('/')
    .filter(Boolean)
    .map((part): Segment => {
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy) return { kind: 'greedy', name: greedy[1] };
      const param = /^\{(.+)\}$/.exec(part);
      return param ? { kind: 'param', name: param[1] } : { kind: 'literal', value: part };
    });
  return { route, method: parsed.method, path: parsed.path, segments };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    if (segment.kind === 'greedy') {
      // A greedy variable takes one segment or more, and only as the last part of a path.
      if (index >= parts.length) return undefined;
      params[segment.name] = parts.slice(index).map(decode).join('/');
      return params;
    }
    if (index >= parts.length) return undefined;
    if (segment.kind === 'literal' && segment.value !== parts[index]) return undefined;
    if (segment.kind === 'param') params[segment.name] = decode(parts[index]);
  }
  return segments.length === parts.length ? params : undefined;
}

/** Negative when `a` is the more specific route. */
function compareSpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const greedy = (route: CompiledRoute) => (route.segments.some((segment) => segment.kind === 'greedy') ? 1 : 0);
  if (greedy(a) !== greedy(b)) return greedy(a) - greedy(b);
  for (let index = 0; index < Math.max(a.segments.length, b.segments.length); index++) {
    const left = a.segments[index];
    const right = b.segments[index];
    if (!left || !right) return left ? -1 : 1;
    if (KIND_RANK[left.kind] !== KIND_RANK[right.kind]) return KIND_RANK[left.kind] - KIND_RANK[right.kind];
  }
  return (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
}

/**
 * The routes of one HTTP API, selected as API Gateway does: a full match of path and method first
 * (literal parts over `{param}` ones), then a route with a greedy `{proxy+}` (the longest prefix
 * first), the exact method over `ANY` for the same path, and the `$default` route last.
 */
export class HttpRoutes {
  private readonly compiled: CompiledRoute[];
  private readonly defaultRoute?: HttpRouteDef;

  constructor(routes: readonly HttpRouteDef[]) {
    this.compiled = routes.flatMap((route) => compile(route) ?? []);
    this.defaultRoute = routes.find((route) => route.routeKey === '$default');
  }

  /** The route for a request; `path` is the path after the stage, still percent-encoded. */
  match(method: string, path: string): HttpRouteMatch | undefined {
    const parts = path.split('/').filter(Boolean);
    const upper = method.toUpperCase();
    let best: { route: CompiledRoute; params: Record<string, string> } | undefined;
    for (const route of this.compiled) {
      if (route.method !== upper && route.method !== 'ANY') continue;
      const params = matchSegments(route.segments, parts);
      if (params && (!best || compareSpecificity(route, best.route) < 0)) best = { route, params };
    }
    if (best)
      return { route: best.route.route, path: best.route.path, pathParameters: Object.keys(best.params).length ? best.params : null };
    return this.defaultRoute ? { route: this.defaultRoute, path: '$default', pathParameters: null } : undefined;
  }
}
