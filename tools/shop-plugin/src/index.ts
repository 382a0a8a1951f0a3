/**
 * @shop/tools: the shop's local Nx plugin (generators.json beside package.json). Resolved by Nx
 * through the `@shop/tools` path of tsconfig.base.json, which points into this project.
 */
export {
  GENERATED_FUNCTIONS,
  normalizeOptions,
  RESERVED_NAMES,
  serviceProjectConfiguration,
  ServiceGeneratorError,
  withCodeOwner,
  type ServiceGeneratorSchema,
  type ServiceOptions,
} from './generators/service/service-options.ts';
