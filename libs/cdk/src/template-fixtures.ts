import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ShopCdkError } from './errors';
import { createServiceApp, inlineTestCode, type ServiceStackClass } from './service-stack';
import type { StageName } from './stage-config';

/**
 * Checked-in templates for stack tests: each service's stack spec compares the templates it
 * synthesizes for every stage with the ones in `src/infra/__tests__/templates/`, so a refactoring
 * of a stack or of a construct cannot change what deploys without the change showing in a diff.
 * Rewrite them with `UPDATE_TEMPLATE_FIXTURES=1 npx nx run <service>:test --skip-nx-cache`, and
 * say in the commit why each change is wanted.
 */

/** The environment variable that makes {@link templateFixture} write the fixtures instead of reading them. */
export const UPDATE_TEMPLATE_FIXTURES_ENV = 'UPDATE_TEMPLATE_FIXTURES';

/**
 * The context the `synth` targets' cdk CLI gives an app (construct paths in the template's
 * metadata, no version reporting resource), so that a test synthesizes the template
 * `nx run <service>:synth` writes, but for the functions' code.
 */
export const CLI_SYNTH_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:version-reporting': false,
};

/** Thrown when a stack test asks for a template fixture that was never written. */
export class TemplateFixtureMissingError extends ShopCdkError {
  constructor(readonly file: string) {
    super(`No template fixture at ${file}: write it with ${UPDATE_TEMPLATE_FIXTURES_ENV}=1 and check it in.`);
    this.name = 'TemplateFixtureMissingError';
  }
}

/**
 * The checked-in template `file`, to compare `actual` with. When {@link UPDATE_TEMPLATE_FIXTURES_ENV}
 * is `1`, writes `actual` there first (one-space indents, as the cdk CLI writes templates), so
 * the comparison passes and the change shows in `git diff`.
 * @throws TemplateFixtureMissingError when the file does not exist and is not being written.
 */
export const templateFixture = (file: string, actual: unknown): unknown => {
  if (process.env[UPDATE_TEMPLATE_FIXTURES_ENV] === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(actual, null, 1)}\n`);
  }
  if (!existsSync(file)) throw new TemplateFixtureMissingError(file);
  return JSON.parse(readFileSync(file, 'utf8'));
};

/** A service's template for one stage, and the name of its stack. */
export interface SynthesizedTemplate {
  /** `shop-<stage>-<service>`. */
  readonly stackName: string;
  /** The template, as the cdk CLI writes it to `<stackName>.template.json`. */
  readonly template: unknown;
}

/**
 * The template `nx run <service>:synth` writes for `stage`, but with inline code for every function:
 * the app built as `runServiceApp` builds it, with {@link CLI_SYNTH_CONTEXT}.
 */
export const synthesizedTemplate = (stackClass: ServiceStackClass, stage: StageName): SynthesizedTemplate => {
  const { app, stack } = createServiceApp(stackClass, { context: { ...CLI_SYNTH_CONTEXT, stage }, code: inlineTestCode });
  return { stackName: stack.stackName, template: app.synth().getStackArtifact(stack.artifactId).template };
};
