import type { MethodDef, RestApiDef } from '../assembly/model';

interface Node {
  literal: Map<string, Node>;
  param?: { name: string; node: Node };
  greedy?: { name: string; node: Node };
  methods: Map<string, MethodDef>;
  /** The resource path of this node, e.g. `/{proxy+}`. */
  resourcePath: string;
}

export type RouteMatch =
  | { kind: 'method'; method: MethodDef; pathParameters: Record<string, string> | null }
  | { kind: 'no-method'; resourcePath: string }
  | { kind: 'no-resource' };

const newNode = (resourcePath: string): Node => ({ literal: new Map(), methods: new Map(), resourcePath });

/**
 * The resource tree of one REST API, matched as API Gateway does: a literal path part wins over
 * `{param}`, which wins over a greedy `{proxy+}`; the method is the exact one, else `ANY`.
 */
export class RestRoutes {
  private readonly root = newNode('/');

  constructor(readonly api: RestApiDef) {
    for (const method of api.methods) this.add(method);
  }

  private add(method: MethodDef): void {
    let node = this.root;
    let path = '';
    for (const segment of method.resourcePath.split('/').filter(Boolean)) {
      path += `/${segment}`;
      const greedy = /^\{(.+)\+\}$/.exec(segment);
      const param = /^\{(.+)\}$/.exec(segment);
      if (greedy) {
        node.greedy ??= { name: greedy[1], node: newNode(path) };
        node = node.greedy.node;
      } else if (param) {
        node.param ??= { name: param[1], node: newNode(path) };
        node = node.param.node;
      } else {
        const next = node.literal.get(segment) ?? newNode(path);
        node.literal.set(segment, next);
        node = next;
      }
    }
    node.methods.set(method.httpMethod, method);
  }

  /** Matches a path relative to the API's base path (`/` or `/ABC-1/reviews`). */
  match(httpMethod: string, relativePath: string): RouteMatch {
    const segments = relativePath.split('/').filter(Boolean);
    const found = find(this.root, segments, 0, {});
    if (!found) return { kind: 'no-resource' };
    const method = found.node.methods.get(httpMethod.toUpperCase()) ?? found.node.methods.get('ANY');
    if (!method) return { kind: 'no-method', resourcePath: found.node.resourcePath };
    return { kind: 'method', method, pathParameters: Object.keys(found.params).length ? found.params : null };
  }

  /** Every method, for the start-up listing. */
  list(): { httpMethod: string; resourcePath: string; authorizationType: string }[] {
    return [...this.api.methods]
      .sort((a, b) => a.resourcePath.localeCompare(b.resourcePath) || a.httpMethod.localeCompare(b.httpMethod))
      .map(({ httpMethod, resourcePath, authorizationType }) => ({ httpMethod, resourcePath, authorizationType }));
  }
}

function find(
  node: Node,
  segments: string[],
  index: number,
  params: Record<string, string>,
): { node: Node; params: Record<string, string> } | undefined {
  if (index === segments.length) return { node, params };
  const segment = segments[index];
  const literal = node.literal.get(segment);
  if (literal) {
    const found = find(literal, segments, index + 1, params);
    if (found && found.node.methods.size > 0) return found;
  }
  if (node.param) {
    const found = find(node.param.node, segments, index + 1, { ...params, [node.param.name]: safeDecode(segment) });
    if (found && found.node.methods.size > 0) return found;
  }
  if (node.greedy) {
    return { node: node.greedy.node, params: { ...params, [node.greedy.name]: segments.slice(index).map(safeDecode).join('/') } };
  }
  // A literal resource without methods still counts as found (API Gateway then answers 403).
  if (literal) return find(literal, segments, index + 1, params);
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
