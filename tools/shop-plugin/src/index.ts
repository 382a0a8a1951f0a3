/**
 * @shop/tools: the shop's local Nx plugin. Resolved by Nx through the `@shop/tools` path of
 * tsconfig.base.json, which points here: `createNodes` infers every service's targets (nx.json
 * `plugins`), and generators.json beside package.json names the generators.
 */
export {
  createNodes,
  DEFAULT_BUNDLE_BUDGET_KB,
  readServiceLayout,
  SERVICE_ENTRY_GLOB,
  serviceTargets,
  STAGES,
  type ServiceLayout,
  type ServiceTargetsOptions,
} from './plugins/service-targets.ts';
export {
  normalizeOptions,
  RESERVED_NAMES,
  serviceProjectConfiguration,
  ServiceGeneratorError,
  withCodeOwner,
  type ServiceGeneratorSchema,
  type ServiceOptions,
} from './generators/service/service-options.ts';
