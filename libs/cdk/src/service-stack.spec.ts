import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { ServiceApi } from './service-api';
import type { ServiceFunction } from './service-function';
import { createServiceApp, type FunctionCode, inlineTestCode, runServiceApp, ServiceStack, type ServiceStackProps } from './service-stack';
import { FEATURE_FLAGS } from './shop-app';
import { stageConfig } from './stage-config';
import { logicalIdOf } from './template-queries';

const handlersDir = mkdtempSync(join(tmpdir(), 'service-stack-handlers-'));
for (const file of ['router.handler.ts', 'reserve-stock.handler.ts', 'order-events.handler.ts', 'router.handler.spec.ts', 'saga-task.ts']) {
  writeFileSync(join(handlersDir, file), '');
}
afterAll(() => rmSync(handlersDir, { recursive: true, force: true }));

/** What a test lets the demo stack declare beyond its router and API. */
type Declare = (stack: DemoStack) => void;
let declare: Declare = (stack) => {
  stack.fn('reserve-stock', { description: 'Saga command', memorySize: 256 });
  stack.fn('order-events', { id: 'OrderEventsConsumer', description: 'Consumer' });
};

class DemoStack extends ServiceStack {
  readonly router: ServiceFunction;
  readonly api: ServiceApi;

  constructor(scope: Construct, props: ServiceStackProps) {
    super(scope, { service: 'demo', description: 'demo service', handlersDir }, props);
    this.router = this.addFunction('router', { description: 'Demo REST API' });
    declare(this);
    this.api = this.addApi({ basePath: 'demos', router: this.router });
  }

  fn(...args: Parameters<ServiceStack['addFunction']>): ServiceFunction {
    return this.addFunction(...args);
  }

  param(...args: Parameters<ServiceStack['publish']>) {
    return this.publish(...args);
  }

  find(...args: Parameters<ServiceStack['lookup']>): string {
    return this.lookup(...args);
  }
}

const synth = (stage = 'dev', code: FunctionCode = inlineTestCode) => {
  const { app, stack } = createServiceApp(DemoStack, { context: { stage }, code });
  return { app, stack, template: Template.fromStack(stack) };
};

const functionsOf = (template: Template) => Object.entries(template.findResources('AWS::Lambda::Function'));

describe('ServiceStack', () => {
  const defaultDeclare = declare;
  afterEach(() => {
    declare = defaultDeclare;
  });

  it('is named shop-<stage>-<service> and described as the service in that stage', () => {
    const { stack, template } = synth('prod');
    expect([stack.stackName, stack.node.id, stack.service, stack.stage]).toEqual([
      'shop-prod-demo',
      'shop-prod-demo',
      'demo',
      stageConfig('prod'),
    ]);
    expect(template.toJSON().Description).toBe('Serverless Shop demo service (prod)');
  });

  it('tags every resource with the stage and the service', () => {
    const { template } = synth('local');
    expect(functionsOf(template)).toHaveLength(3);
    for (const [, fn] of functionsOf(template)) {
      expect(fn.Properties.Tags).toEqual([
        { Key: 'shop:service', Value: 'demo' },
        { Key: 'shop:stage', Value: 'local' },
      ]);
    }
  });

  it('declares a function by its handler name: construct id in PascalCase unless given, the service, the stage', () => {
    const { stack, template } = synth();
    expect(stack.functionNames).toEqual(['router', 'reserve-stock', 'order-events']);
    const ids = functionsOf(template).map(([id]) => id.replace(/Function[0-9A-F]{8}$/, ''));
    expect(ids.sort()).toEqual(['OrderEventsConsumer', 'ReserveStock', 'Router']);
    const reserve = template.findResources('AWS::Lambda::Function')[logicalIdOf(template, 'AWS::Lambda::Function', 'ReserveStockFunction')];
    expect([
      reserve?.Properties.MemorySize,
      reserve?.Properties.Description,
      reserve?.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
    ]).toEqual([256, 'Saga command', 'demo']);
  });

  it('gives each function the code named for it, or the one code function', () => {
    const code = Object.fromEntries(
      ['router', 'reserve-stock', 'order-events'].map((name) => [name, lambda.Code.fromInline(`// ${name}`)]),
    );
    const zipFiles = (template: Template) =>
      functionsOf(template)
        .map(([, fn]) => fn.Properties.Code.ZipFile)
        .sort();
    expect(zipFiles(synth('dev', code).template)).toEqual(['// order-events', '// reserve-stock', '// router']);
    expect(zipFiles(synth('dev', (name) => lambda.Code.fromInline(`// fn ${name}`)).template)).toEqual([
      '// fn order-events',
      '// fn reserve-stock',
      '// fn router',
    ]);
  });

  it("declares a function by a name of its own and its handler: the handler's file and bundle, the function's name everywhere else", () => {
    declare = (stack) => {
      stack.fn('reserve-stock', { description: 'Saga command' });
      stack.fn('basket-orders', { handler: 'order-events', id: 'OrderEventsConsumer', description: 'Consumer' });
    };
    const { stack, template } = synth('dev', (name) => lambda.Code.fromInline(`// fn ${name}`));
    expect(stack.functionNames).toEqual(['router', 'reserve-stock', 'basket-orders']);
    const consumer =
      template.findResources('AWS::Lambda::Function')[logicalIdOf(template, 'AWS::Lambda::Function', 'OrderEventsConsumerFunction')];
    expect(consumer?.Properties.Code.ZipFile).toBe('// fn basket-orders');
    template.hasResourceProperties('AWS::IAM::Role', { Description: 'Execution role of demo/basket-orders' });
    // Without test code, the function's code is its handler's bundle.
    const routerAndReserve = Object.fromEntries(['router', 'reserve-stock'].map((name) => [name, lambda.Code.fromInline(`// ${name}`)]));
    expect(() => synth('dev', routerAndReserve)).toThrow(/No bundle for demo\/order-events at .*dist\/apps\/demo\/bundles\/order-events/);
  });

  it('declares the REST API on the router at its base path, its id and URL published in SSM', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { BasePath: 'demos' });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', 'RouterFunction'), 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
    const names = Object.values(template.findResources('AWS::SSM::Parameter')).map((p) => p.Properties.Name);
    expect(names.sort()).toEqual(['/shop/dev/demo/api-id', '/shop/dev/demo/api-url']);
  });

  it("publishes under the service's SSM namespace and looks up under another's", () => {
    declare = (stack) => {
      stack.fn('reserve-stock', { description: 'Saga command' });
      stack.fn('order-events', { id: 'OrderEventsConsumer', description: 'Consumer' });
      stack.param('replay-function-name', stack.find('other', 'topic-arn'), 'A value found in SSM');
    };
    const { stack, template } = synth();
    expect(stack.node.tryFindChild('Param-replay-function-name')).toBeDefined();
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/dev/demo/replay-function-name',
      Value: { Ref: Match.stringLikeRegexp('^SsmParameterValueshopdevothertopicarn') },
      Description: 'A value found in SSM',
    });
  });

  describe('refuses a declaration that disagrees with the handler files or with itself', () => {
    it('on a handler file without a function', () => {
      declare = (stack) => stack.fn('reserve-stock', { description: 'Saga command' });
      expect(() => synth()).toThrow(/order-events\.handler\.ts has no function: declare it with addFunction\('order-events', \.\.\.\)/);
    });

    it('on a function without a handler file', () => {
      declare = (stack) => {
        defaultDeclare(stack);
        stack.fn('release-stock', { description: 'Typo or missing handler' });
      };
      expect(() => synth()).toThrow(/Function release-stock has no handler file .*release-stock\.handler\.ts/);
    });

    it('on a function whose own handler file is missing', () => {
      declare = (stack) => {
        defaultDeclare(stack);
        stack.fn('release-stock', { handler: 'release-stok', description: 'Typo in the handler' });
      };
      expect(() => synth()).toThrow(/Function release-stock has no handler file .*release-stok\.handler\.ts/);
    });

    it('on a handler declared twice, at once', () => {
      declare = (stack) => {
        defaultDeclare(stack);
        stack.fn('reserve-more-stock', { handler: 'reserve-stock', description: 'The same handler again' });
      };
      expect(() => synth()).toThrow('shop-dev-demo: handler reserve-stock is declared twice.');
    });

    it('on a function declared twice, at once', () => {
      declare = (stack) => {
        defaultDeclare(stack);
        stack.fn('reserve-stock', { id: 'ReserveStockAgain', description: 'The same handler again' });
      };
      expect(() => synth()).toThrow('shop-dev-demo: function reserve-stock is declared twice.');
    });

    it('on code given for a function that is not declared', () => {
      const code = Object.fromEntries(
        ['router', 'reserve-stock', 'order-events', 'reserve-stok'].map((name) => [name, lambda.Code.fromInline(`// ${name}`)]),
      );
      expect(() => synth('dev', code)).toThrow(/Code is given for reserve-stok, which is not a declared function/);
    });
  });
});

describe('a service stack without functions (the platform)', () => {
  class BareStack extends ServiceStack {
    constructor(scope: Construct, props: ServiceStackProps) {
      super(scope, { service: 'bare', description: 'bare: nothing but a name', handlersDir: join(handlersDir, 'absent') }, props);
      this.publish('name', 'bare', 'A stack holds one resource at least');
    }
  }

  it('synthesizes with no handler folder', () => {
    const { stack } = createServiceApp(BareStack, { context: { stage: 'dev' } });
    expect(Template.fromStack(stack).toJSON().Description).toBe('Serverless Shop bare: nothing but a name (dev)');
  });
});

describe('createServiceApp and runServiceApp', () => {
  it('build the app with the shop feature flags and the stage of the context', () => {
    const { app, stage, stack } = createServiceApp(DemoStack, { context: { stage: 'local' }, code: inlineTestCode });
    expect([stage.stage, stack.stage.stage, stack.node.scope]).toEqual(['local', 'local', app]);
    expect(app.node.tryGetContext('@aws-cdk/aws-iam:minimizePolicies')).toBe(FEATURE_FLAGS['@aws-cdk/aws-iam:minimizePolicies']);
  });

  it('runServiceApp synthesizes the stack where the cdk CLI asks, for the stage it names', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'service-stack-out-'));
    class ParameterStack extends ServiceStack {
      constructor(scope: Construct, props: ServiceStackProps) {
        super(scope, { service: 'params', description: 'one parameter', handlersDir: join(handlersDir, 'absent') }, props);
        this.publish('value', 'v', 'A published value');
      }
    }
    const saved = { outdir: process.env.CDK_OUTDIR, context: process.env.CDK_CONTEXT_JSON };
    try {
      process.env.CDK_OUTDIR = outdir;
      process.env.CDK_CONTEXT_JSON = JSON.stringify({ stage: 'prod' });
      runServiceApp(ParameterStack);
      const template = JSON.parse(readFileSync(join(outdir, 'shop-prod-params.template.json'), 'utf8'));
      expect(Object.values(template.Resources).map((r) => (r as { Properties: { Name: string } }).Properties.Name)).toEqual([
        '/shop/prod/params/value',
      ]);
    } finally {
      for (const [key, value] of [
        ['CDK_OUTDIR', saved.outdir],
        ['CDK_CONTEXT_JSON', saved.context],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
