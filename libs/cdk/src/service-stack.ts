import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AppProps, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { ShopCdkError } from './errors';
import { ServiceApi, type ServiceApiProps } from './service-api';
import { ServiceFunction, type ServiceFunctionProps } from './service-function';
import { createShopApp, type ShopApp } from './shop-app';
import { lookup, publish } from './ssm-discovery';
import { serviceStackName, type StageConfig } from './stage-config';
import { findWorkspaceRoot } from './workspace';

/**
 * The code of a stack's functions in place of their bundles from `dist`: one per function name, or
 * one function that gives every function its code (stack tests pass {@link inlineTestCode}).
 */
export type FunctionCode = Readonly<Partial<Record<string, lambda.Code>>> | ((name: string) => lambda.Code);

/** Properties of every {@link ServiceStack}: the stage, and code for tests. */
export interface ServiceStackProps extends Omit<StackProps, 'stackName' | 'description'> {
  /** The stage being synthesized. */
  readonly stage: StageConfig;
  /**
   * The functions' code, replacing their bundles from `dist` (stack tests use inline code so they
   * need no build).
   * @default - each function's esbuild bundle, `dist/apps/<service>/bundles/<name>`
   */
  readonly code?: FunctionCode;
}

/** What a service's stack says about itself to its {@link ServiceStack} base. */
export interface ServiceIdentity {
  /**
   * The service's name: the stack name `shop-<stage>-<service>`, the SSM namespace
   * `/shop/<stage>/<service>/`, the bundles' folder `dist/apps/<service>`, the Powertools service
   * name and the `shop:service` tag.
   */
  readonly service: string;
  /**
   * What the stack holds, for its description `Serverless Shop <description> (<stage>)`, e.g.
   * `inventory service`.
   */
  readonly description: string;
  /**
   * The folder of the service's handler files, one `<name>.handler.ts` per function.
   * @default `<workspace>/apps/<service>/src/handlers`
   */
  readonly handlersDir?: string;
}

/**
 * One function of a service, as its stack declares it: everything of {@link ServiceFunctionProps}
 * but what the stack already knows (service, stage, code).
 */
export interface FunctionDeclaration extends Omit<ServiceFunctionProps, 'service' | 'name' | 'stage' | 'code'> {
  /**
   * The construct id, which the logical ids of the function, its role and its log group derive from.
   * @default the name in PascalCase (`reserve-stock` → `ReserveStock`)
   */
  readonly id?: string;
  /**
   * The base name of the function's handler file, `src/handlers/<handler>.handler.ts`, and so of its
   * bundle, `dist/apps/<service>/bundles/<handler>`. Set where a file carries its role's common name
   * (`publish-events`) while the deployed function keeps the name its descriptions, alarms and
   * dashboard were made with (`publish-shipments`).
   * @default the function's name
   */
  readonly handler?: string;
}

/** A service's REST API, as its stack declares it (see {@link ServiceApiProps}). */
export interface ApiDeclaration extends Omit<ServiceApiProps, 'service' | 'stage' | 'handler'> {
  /** The function that receives every request. */
  readonly router: ServiceFunction;
}

/** The tags every resource of a service's stack carries. */
const SERVICE_TAGS = { stage: 'shop:stage', service: 'shop:service' } as const;

const HANDLER_SUFFIX = '.handler.ts';

const pascalCase = (name: string): string =>
  name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/**
 * The skeleton of every stack of the shop, so that a service's stack is only the declaration of
 * its resources. It names the stack `shop-<stage>-<service>`, describes it, tags everything with
 * the stage and service, and gives the subclass:
 * - {@link addFunction}: a {@link ServiceFunction} declared once by the base name of its handler
 *   file (`src/handlers/<name>.handler.ts`, bundled to `dist/apps/<service>/bundles/<name>`), or by
 *   a name of its own and its `handler`;
 * - {@link addApi}: the REST API on the router, its endpoint published in SSM;
 * - {@link publish} and {@link lookup}: SSM discovery under the service's and others' namespaces.
 *
 * A subclass creates its stateful resources first, in one construct with the id `State` whose ids
 * never change (a new logical id replaces a table, queue or topic and loses what it holds), then the
 * stateless ones. At synthesis the stack checks that it declares exactly one function per handler
 * file, and that any code given for tests names a declared function.
 */
export abstract class ServiceStack extends Stack {
  /** The service's name. */
  readonly service: string;
  /** The stage being synthesized. */
  readonly stage: StageConfig;

  private readonly code?: FunctionCode;
  private readonly handlersDir: string;
  private readonly functions = new Map<string, ServiceFunction>();
  /** The handler (file base name) of each declared function, by function name. */
  private readonly handlers = new Map<string, string>();

  protected constructor(scope: Construct, identity: ServiceIdentity, props: ServiceStackProps) {
    const { stage, code, ...stackProps } = props;
    const stackName = serviceStackName(stage, identity.service);
    super(scope, stackName, { ...stackProps, stackName, description: `Serverless Shop ${identity.description} (${stage.stage})` });
    this.service = identity.service;
    this.stage = stage;
    this.code = code;
    this.handlersDir = identity.handlersDir ?? join(findWorkspaceRoot(), 'apps', identity.service, 'src', 'handlers');
    Tags.of(this).add(SERVICE_TAGS.stage, stage.stage);
    Tags.of(this).add(SERVICE_TAGS.service, identity.service);
    this.node.addValidation({ validate: () => this.declarationErrors() });
  }

  /** The names of the functions declared so far, in the order they were declared. */
  get functionNames(): string[] {
    return [...this.functions.keys()];
  }

  /**
   * Declares the function whose handler is `src/handlers/<name>.handler.ts` (or `<handler>.handler.ts`):
   * a {@link ServiceFunction} of this service and stage, with that handler's bundle (or the test
   * code given for `name`). What it may touch is then bound with its `bind*` methods.
   * @throws ShopCdkError when a function of that name, or of that handler, is declared already.
   */
  protected addFunction(name: string, declaration: FunctionDeclaration): ServiceFunction {
    const { id = pascalCase(name), handler = name, ...props } = declaration;
    if (this.functions.has(name)) throw new ShopCdkError(`${this.node.path}: function ${name} is declared twice.`);
    if ([...this.handlers.values()].includes(handler)) throw new ShopCdkError(`${this.node.path}: handler ${handler} is declared twice.`);
    const testCode = typeof this.code === 'function' ? this.code(name) : this.code?.[name];
    const code = testCode ?? ServiceFunction.bundleCode(this.service, handler);
    const fn = new ServiceFunction(this, id, { ...props, service: this.service, name, stage: this.stage, code });
    this.functions.set(name, fn);
    this.handlers.set(name, handler);
    return fn;
  }

  /**
   * Declares the service's REST API (construct id `Api`), mounted at its base path and routed to
   * `router`, and publishes its id and URL in SSM (`/shop/<stage>/<service>/api-id|api-url`).
   */
  protected addApi(declaration: ApiDeclaration): ServiceApi {
    const { router, ...props } = declaration;
    const api = new ServiceApi(this, 'Api', { ...props, service: this.service, stage: this.stage, handler: router.function });
    api.publishEndpoint();
    return api;
  }

  /** Publishes `value` as `/shop/<stage>/<service>/<name>` for other services (construct id `Param-<name>`). */
  protected publish(name: string, value: string, description: string): ssm.StringParameter {
    return publish(this, this.stage.stage, this.service, name, value, description);
  }

  /** What another service published as `/shop/<stage>/<service>/<name>`, resolved when this stack deploys. */
  protected lookup(service: string, name: string): string {
    return lookup(this, this.stage.stage, service, name);
  }

  private declarationErrors(): string[] {
    const handlers = existsSync(this.handlersDir)
      ? readdirSync(this.handlersDir)
          .filter((file) => file.endsWith(HANDLER_SUFFIX))
          .map((file) => file.slice(0, -HANDLER_SUFFIX.length))
      : [];
    const declared = [...this.handlers.values()];
    const undeclared = handlers.filter((handler) => !declared.includes(handler));
    const withoutHandler = [...this.handlers].filter(([, handler]) => !handlers.includes(handler));
    const unknownCode = typeof this.code === 'object' ? Object.keys(this.code).filter((name) => !this.functions.has(name)) : [];
    return [
      ...undeclared.map(
        (name) => `${join(this.handlersDir, name + HANDLER_SUFFIX)} has no function: declare it with addFunction('${name}', ...).`,
      ),
      ...withoutHandler.map(
        ([name, handler]) => `Function ${name} has no handler file ${join(this.handlersDir, handler + HANDLER_SUFFIX)}.`,
      ),
      ...unknownCode.map((name) => `Code is given for ${name}, which is not a declared function.`),
    ];
  }
}

/** A service's stack class: every {@link ServiceStack} subclass is built from a scope and its props. */
export type ServiceStackClass<S extends ServiceStack = ServiceStack> = new (scope: Construct, props: ServiceStackProps) => S;

/** Options of {@link createServiceApp}. */
export interface ServiceAppOptions extends AppProps {
  /** @see ServiceStackProps.code */
  readonly code?: FunctionCode;
}

/** A service's CDK app, the stage it is synthesized for and its one stack. */
export interface ServiceApp<S extends ServiceStack> extends ShopApp {
  /** The service's stack. */
  readonly stack: S;
}

/**
 * A service's CDK app ({@link createShopApp}: feature flags, cdk-nag, the stage from the context)
 * holding its one stack.
 */
export const createServiceApp = <S extends ServiceStack>(
  stackClass: ServiceStackClass<S>,
  options: ServiceAppOptions = {},
): ServiceApp<S> => {
  const { code, ...appProps } = options;
  const { app, stage } = createShopApp(appProps);
  return { app, stage, stack: new stackClass(app, { stage, code }) };
};

/**
 * The CDK app entry of every service (its `src/infra/main.ts`): synthesizes the service's stack for
 * the stage the `stage` context names, `cdk synth -c stage=prod` (default dev), with every
 * function's bundle from `dist`. Run through Nx: `npx nx run <service>:synth[:prod|:local]`.
 */
export const runServiceApp = (stackClass: ServiceStackClass): void => {
  createServiceApp(stackClass).app.synth();
};

/** Inline code for every function, so that stack tests need no bundle in `dist`. */
export const inlineTestCode: FunctionCode = () => lambda.Code.fromInline('exports.handler = async () => ({});');
