import { serviceTargets } from '../../plugins/service-targets.ts';
import { normalizeOptions, RESERVED_NAMES, serviceProjectConfiguration, ServiceGeneratorError, withCodeOwner } from './service-options.ts';

const CODEOWNERS = [
  '# owners',
  '*                   @serverless-shop/platform',
  '/apps/product/      @serverless-shop/catalog-team',
  '/apps/e2e/          @serverless-shop/platform',
  '/libs/              @serverless-shop/platform',
  '',
].join('\n');

describe('normalizeOptions', () => {
  it('derives every name from a kebab-case name and applies the defaults', () => {
    expect(normalizeOptions({ name: 'gift-cards' }, ['product'])).toEqual({
      name: 'gift-cards',
      className: 'GiftCards',
      propertyName: 'giftCards',
      projectRoot: 'apps/gift-cards',
      basePath: 'gift-cards',
      team: '@serverless-shop/gift-cards-team',
      description: 'The gift-cards service',
    });
  });

  it('keeps a given base path, team and description', () => {
    expect(
      normalizeOptions({ name: 'reviews', basePath: 'product-reviews', team: '@acme/reviewers', description: ' Reviews ' }, []),
    ).toMatchObject({
      basePath: 'product-reviews',
      team: '@acme/reviewers',
      description: 'Reviews',
    });
  });

  it.each([
    [{ name: 'GiftCards' }, 'not a valid service name'],
    [{ name: 'gift_cards' }, 'not a valid service name'],
    [{ name: '-x' }, 'not a valid service name'],
    [{ name: 'product' }, 'exists already'],
    [{ name: 'platform' }, 'reserved'],
    [{ name: 'reviews', basePath: '/reviews' }, 'not a valid base path'],
    [{ name: 'reviews', team: 'reviewers' }, 'not a GitHub team'],
  ])('refuses %j (%s)', (schema, message) => {
    const call = () => normalizeOptions(schema, ['product', 'platform']);
    expect(call).toThrow(ServiceGeneratorError);
    expect(call).toThrow(message);
  });

  it('reserves the stage names, so that SSM paths stay unambiguous', () => {
    expect(RESERVED_NAMES).toEqual(expect.arrayContaining(['dev', 'prod', 'local', 'platform', 'e2e']));
  });
});

describe('serviceProjectConfiguration', () => {
  const config = serviceProjectConfiguration(normalizeOptions({ name: 'reviews' }, []));
  // The targets Nx ends up with: project.json's, then those the plugin infers from the generated router handler and route table.
  const targets = { ...config.targets, ...serviceTargets({ root: 'apps/reviews', name: 'reviews', functions: ['router'], hasApi: true }) };

  it('tags the project with its scope and type:app', () => {
    expect(config).toMatchObject({
      name: 'reviews',
      sourceRoot: 'apps/reviews/src',
      projectType: 'application',
      tags: ['scope:reviews', 'type:app'],
    });
  });

  it('has every target of a service, bundles first', () => {
    expect(Object.keys(targets)).toEqual([
      'lint',
      'typecheck',
      'test',
      'integration',
      'bundle-router',
      'openapi',
      'build',
      'synth',
      'deploy',
    ]);
    expect(targets.build?.dependsOn).toEqual(['bundle-router', 'openapi']);
    expect(targets.build?.options?.command).toBe('node tools/scripts/bundle-sizes.mjs dist/apps/reviews/bundles --max-kb router=250');
  });

  it('synthesizes into dist/apps/<name>/cdk.out per stage, cached, and deploys that assembly uncached', () => {
    const { synth, deploy } = targets;
    expect(synth?.outputs).toEqual(['{workspaceRoot}/dist/apps/reviews/cdk.out']);
    expect(synth?.cache).toBe(true);
    expect(synth?.configurations).toEqual({
      dev: { args: '--stage=dev' },
      prod: { args: '--stage=prod' },
      // Only the stage never deployed to AWS skips aws-cdk-lib's template validation.
      local: { args: '--stage=local', env: { CDK_DISABLE_VERSION_CHECK: '1', CDK_VALIDATION: 'false' } },
    });
    expect(synth?.options?.env).toEqual({ CDK_DISABLE_VERSION_CHECK: '1' });
    expect(synth?.options?.command).toContain('--context stage={args.stage}');
    expect(deploy?.cache).toBe(false);
    expect(deploy?.dependsOn).toEqual(['synth']);
    expect(deploy?.options?.command).toBe('cdk deploy --app dist/apps/reviews/cdk.out --all --require-approval never --no-notices');
    expect(Object.keys(deploy?.configurations ?? {})).toEqual(['dev', 'prod', 'local']);
  });
});

describe('withCodeOwner', () => {
  it('adds the folder after the last /apps/ line, aligned with it', () => {
    const updated = withCodeOwner(CODEOWNERS, { projectRoot: 'apps/gift-cards', team: '@serverless-shop/gift-cards-team' });
    expect(updated.split('\n')).toEqual([
      '# owners',
      '*                   @serverless-shop/platform',
      '/apps/product/      @serverless-shop/catalog-team',
      '/apps/e2e/          @serverless-shop/platform',
      '/apps/gift-cards/   @serverless-shop/gift-cards-team',
      '/libs/              @serverless-shop/platform',
      '',
    ]);
  });

  it('appends at the end when there is no /apps/ line yet', () => {
    expect(withCodeOwner('* @org/platform\n', { projectRoot: 'apps/reviews', team: '@org/reviews' })).toBe(
      '* @org/platform\n/apps/reviews/ @org/reviews\n',
    );
  });

  it('refuses a folder that has an owner line already', () => {
    expect(() => withCodeOwner(CODEOWNERS, { projectRoot: 'apps/product', team: '@org/x' })).toThrow(ServiceGeneratorError);
  });
});
