import { formatFiles, generateFiles, getProjects, logger, writeJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import path from 'node:path';
import {
  normalizeOptions,
  serviceProjectConfiguration,
  ServiceGeneratorError,
  withCodeOwner,
  type ServiceGeneratorSchema,
} from './service-options.ts';

export type { ServiceGeneratorSchema } from './service-options.ts';

const CODEOWNERS = '.github/CODEOWNERS';

/**
 * `npx nx g @shop/tools:service <name>`: a new service that passes lint, test, integration and
 * synth as generated. Writes apps/<name> (router handler with `GET /health`, domain, DynamoDB
 * adapter, CDK stack on the @shop/cdk constructs, unit, stack and integration tests, README,
 * project.json with its name, tags and checks) and its CODEOWNERS line. Nothing else needs an edit:
 * the plugin's `createNodes` infers the bundle, build, synth and deploy targets from the files, and
 * eslint.config.mjs reads the services' scopes from apps/*\/project.json.
 *
 * Nx loads this file with Node's own TypeScript support (ES module), hence `import.meta.dirname`
 * and the `.ts` extension of the relative import.
 */
export default async function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(schema, [...getProjects(tree).keys()]);
  if (tree.exists(options.projectRoot)) throw new ServiceGeneratorError(`${options.projectRoot} exists already.`);
  const codeowners = tree.read(CODEOWNERS, 'utf-8');
  if (codeowners === null) throw new ServiceGeneratorError(`${CODEOWNERS} is missing: every service needs an owner line.`);

  // envName: the service's env module's constant, `GIFT_CARDS_ENV` for gift-cards.
  const envName = `${options.name.replaceAll('-', '_').toUpperCase()}_ENV`;
  generateFiles(tree, path.join(import.meta.dirname, 'files'), options.projectRoot, { ...options, envName, tmpl: '' });
  writeJson(tree, `${options.projectRoot}/project.json`, serviceProjectConfiguration(options));
  tree.write(CODEOWNERS, withCodeOwner(codeowners, options));
  await formatFiles(tree);

  return () => {
    logger.info(
      [
        `Service ${options.name} created in ${options.projectRoot}, owned by ${options.team}, API under /${options.basePath}.`,
        `Next: npx nx run-many -t lint test integration synth -p ${options.name}`,
        `Deploy after platform (it reads the user pool and API domain from SSM): npx nx run ${options.name}:deploy`,
      ].join('\n'),
    );
  };
}
