import type { HttpAnswer, LocalHandler } from '../api/gateway';
import { pathRest } from '../control-plane/input';
import type { FaultRegistry } from './registry';
import { checkTargets, MAX_FAULT_RULES, parseFaultRule, type FaultTargets } from './rules';

/** A rule is a few hundred bytes; anything much larger is not one. */
const MAX_RULE_BYTES = 16 * 1024;

const json = (statusCode: number, body: unknown): HttpAnswer => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body, null, 2),
});

/**
 * `/_local/faults`: `POST` a rule (201 with its id), `GET` the rules with their hits (or
 * `/_local/faults/<id>`), `DELETE` one (`/_local/faults/<id>`) or all. A malformed rule is a 400
 * naming the field; a rule whose target matches nothing that runs is a 400 listing what does.
 */
export function faultsEndpoint(registry: FaultRegistry, targets: FaultTargets, prefix = '/_local/faults'): LocalHandler {
  return async (request) => {
    const id = pathRest(request.path, prefix).replace(/^\/+|\/+$/g, '');
    if (id.includes('/')) return json(404, { message: `no such route: ${request.path}` });
    switch (request.httpMethod) {
      case 'GET': {
        if (!id) return json(200, registry.list());
        const rule = registry.get(id);
        return rule ? json(200, rule) : json(404, { message: `no fault ${id}` });
      }
      case 'DELETE': {
        if (!id) return json(200, { deleted: registry.clear() });
        const rule = registry.remove(id);
        return rule ? json(200, rule) : json(404, { message: `no fault ${id}` });
      }
      case 'POST': {
        if (id) return json(405, { message: `POST ${prefix} (no id)` });
        if (request.body.length > MAX_RULE_BYTES) return json(413, { message: `a rule is at most ${MAX_RULE_BYTES} bytes` });
        let body: unknown;
        try {
          body = JSON.parse(request.body.toString('utf8'));
        } catch (error) {
          return json(400, { message: `the body is not JSON: ${(error as Error).message}`, field: 'body' });
        }
        const parsed = parseFaultRule(body);
        if (!parsed.ok) return json(400, parsed.problem);
        const problem = await checkTargets(parsed.rule, targets);
        if (problem) return json(400, problem);
        const added = registry.add(parsed.rule);
        return added
          ? json(201, added)
          : json(409, { message: `${MAX_FAULT_RULES} rules are kept already: DELETE ${prefix} (or one of them) first` });
      }
      default:
        return json(405, { message: `${request.httpMethod} is not served here: GET, POST or DELETE ${prefix}` });
    }
  };
}
