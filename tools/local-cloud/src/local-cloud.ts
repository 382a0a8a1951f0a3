import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { loadAssemblies, loadServiceAssembly, type AssemblyStack } from './assembly/cloud-assembly';
import type { CloudModel } from './assembly/model';
import { listenOnLoopback } from './api/listen';
import type { SigningKey } from './auth/tokens';
import { describeResources, registerLocalEndpoints } from './control-plane/local-endpoints';
import { createControlSecret, removeControlSecret } from './control-plane/secret';
import { DynamoDbLocal } from './emulators/dynamodb-local';
import { freePort, freePortForJvm } from './net';
import { tokenAudience } from './resources/cognito';
import type { ApplyContext, ResourceKind } from './resources/kind';
import { defsOf, resourceKinds } from './resources/registry';
import { CloudRuntime } from './runtime/cloud-runtime';
import { addToReport, emptyDeployReport, type DeployReport } from './runtime/deploy-report';
import type { LocalCloudOptions } from './runtime/options';

export type { LocalCloudOptions } from './runtime/options';
export type { DeployReport } from './runtime/deploy-report';

/** What one service runs: its stacks and each kind's state, so that a redeploy replaces exactly that. */
interface ServiceRuntime {
  stacks: AssemblyStack[];
  states: Map<string, unknown>;
}

/**
 * The whole shop on one machine, as a lifecycle: `start` reads the assemblies, starts DynamoDB
 * Local and fauxqs and applies every resource kind of `resources/registry.ts` for every service;
 * `deploy(service)` applies one service's new assembly over its old one, then tears down what it
 * dropped; `stop` tears everything down. What each kind does lives in its module.
 */
export class LocalCloud {
  private readonly runtime: CloudRuntime;
  private readonly services = new Map<string, ServiceRuntime>();
  private readonly parts: Record<string, boolean> = { http: false, dynamodb: false, messaging: false, resources: false };
  private server?: Server;
  private dynamodb?: DynamoDbLocal;
  private endpoints?: { close(): void };
  private stopping?: Promise<void>;
  private deploying: Promise<unknown> = Promise.resolve();
  /** When the process started (start-up times count from there, module loading included). */
  readonly startedAt = Math.round(performance.timeOrigin);
  readyAt?: number;

  constructor(private readonly options: LocalCloudOptions) {
    this.runtime = new CloudRuntime(options);
  }

  get stateDir(): string {
    return this.options.stateDir;
  }

  get baseUrl(): string {
    return this.runtime.baseUrl;
  }

  get ready(): boolean {
    return Object.values(this.parts).every(Boolean);
  }

  health() {
    return { ready: this.ready, parts: this.parts, startedAt: this.startedAt, readyAt: this.readyAt };
  }

  get cloudModel(): CloudModel | undefined {
    return this.runtime.model;
  }

  get key(): SigningKey | undefined {
    return this.runtime.signingKey;
  }

  /** The REST APIs the gateway serves, then what other kinds serve on its port (HTTP APIs). */
  routes() {
    return [...this.runtime.gateway.routes(), ...resourceKinds().flatMap((kind) => kind.routes?.(this.runtime) ?? [])];
  }

  describe() {
    return describeResources(this.runtime, [...this.services.keys()]);
  }

  /** The URLs served besides the APIs' (function URLs), for the start banner. */
  urls(): { service: string; name: string; url: string }[] {
    return resourceKinds().flatMap((kind) => kind.urls?.(this.runtime) ?? []);
  }

  /** Local token parameters: the first user pool and client in the loaded assemblies. */
  tokenAudience(): { userPoolId: string; clientId: string } | undefined {
    return tokenAudience(this.runtime.model);
  }

  async start(): Promise<void> {
    const { options, runtime, parts } = this;
    mkdirSync(options.stateDir, { recursive: true });
    runtime.secret = createControlSecret(options.stateDir);
    runtime.ports.dynamodb = options.dynamodb?.port ?? options.dynamodbPort ?? (await freePortForJvm());
    if (options.dynamodb?.external) runtime.dynamodbAccessKeyId = options.dynamodb.accessKeyId;
    runtime.ports.messaging = options.messagingPort ?? (await freePort());
    this.endpoints = registerLocalEndpoints({ runtime, cloud: this, ...options });
    this.server = await listenOnLoopback(runtime.gateway.listener, options.port);
    parts.http = true;

    // The JVM takes the longest: start it first, do everything else while it boots.
    const dynamodb = (this.dynamodb = options.dynamodb ?? DynamoDbLocal.spawn({ ...options, port: runtime.ports.dynamodb }));
    const phase = (name: string) => options.logger.debug(`start-up: ${name} at ${Date.now() - this.startedAt} ms`);
    const emulators = runtime.startEmulators(dynamodb, (part, what) => ((parts[part] = true), phase(what)));
    const keyReady = runtime.loadSigningKey();

    const stacks = loadAssemblies(options.assembliesRoot, options.services, options.logger);
    const model = runtime.load(stacks);
    phase(`${stacks.length} stacks read and resolved`);
    for (const service of model.services)
      this.services.set(service, { stacks: stacks.filter((stack) => stack.service === service), states: new Map() });
    // Kind by kind, every service at once: a service may subscribe to another's topic.
    for (const kind of resourceKinds().filter((kind) => kind.apply)) {
      await Promise.all(model.services.map((service) => this.apply(kind, service, undefined)));
      phase(`${kind.key} applied`);
    }
    await Promise.all([keyReady, emulators]);
    parts.resources = true;
    this.readyAt = Date.now();
    options.logger.info(
      `local cloud ready in ${this.readyAt - this.startedAt} ms at ${this.baseUrl} (console: ${this.baseUrl}/_local/console${runtime.secret ? `#secret=${encodeURIComponent(runtime.secret)}` : ''})`,
    );
    for (const kind of resourceKinds()) kind.ready?.(defsOf(model, kind.key), { runtime, model });
  }

  /** Swaps the freshly synthesized assembly of one service in; its tables keep their data. */
  deploy(service: string, dir?: string): Promise<DeployReport> {
    const run = this.deploying.then(() => this.doDeploy(service, dir));
    this.deploying = run.catch(() => undefined);
    return run;
  }

  private async doDeploy(service: string, dir?: string): Promise<DeployReport> {
    const started = Date.now();
    const { location, stacks: fresh } = loadServiceAssembly(this.options.assembliesRoot, service, dir);
    const others = [...this.services].filter(([name]) => name !== service).flatMap(([, runtime]) => runtime.stacks);
    const model = this.runtime.load([...others, ...fresh], service);
    const old = this.services.get(service);
    this.options.logger.info(`deploying ${service} from ${location.dir}`);
    const next: ServiceRuntime = { stacks: fresh, states: new Map() };
    this.services.set(service, next);
    const report = emptyDeployReport(service);
    for (const kind of resourceKinds()) {
      const state = await this.apply(kind, service, old?.states.get(kind.key));
      addToReport(report, kind.report?.(defsOf(model, kind.key, service), state));
    }
    // The old state's leftovers, once the new one runs (queues it dropped, functions draining).
    for (const kind of [...resourceKinds()].reverse()) {
      if (old?.states.has(kind.key)) await kind.teardown?.(old.states.get(kind.key), this.context(service), next.states.get(kind.key));
    }
    report.warnings = model.warnings.filter((warning) => fresh.some((stack) => warning.startsWith(`${stack.stackName}/`)));
    report.durationMs = Date.now() - started;
    this.options.logger.info(`deployed ${service} in ${report.durationMs} ms`);
    return report;
  }

  /** Stops everything it started: pollers, functions, fauxqs, DynamoDB Local (and waits for the JVM to exit), the server. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const { runtime } = this;
      // What the run measured of IAM, before anything stops: roles, grants never used, denials.
      if (this.readyAt) this.options.logger.info(runtime.iam.summary());
      if (runtime.secret) removeControlSecret(this.options.stateDir, runtime.secret);
      runtime.events.stop();
      runtime.asyncInvoker.stop();
      for (const kind of [...resourceKinds()].reverse()) {
        await Promise.allSettled(
          [...this.services].map(
            async ([service, { states }]) =>
              states.has(kind.key) && kind.teardown?.(states.get(kind.key), this.context(service), undefined),
          ),
        );
      }
      this.server?.closeAllConnections();
      await Promise.allSettled([
        new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve())),
        runtime.started.messaging?.stop(),
        this.dynamodb?.stop(),
      ]);
      this.endpoints?.close();
    })();
    return this.stopping;
  }

  /** Synchronous last resort on process exit: no JVM left behind. */
  killNow(): void {
    this.dynamodb?.killNow();
  }

  /** Applies one kind's defs of one service (over `previous`, its state before a redeploy) and keeps the new state. */
  private async apply(kind: ResourceKind, service: string, previous: unknown): Promise<unknown> {
    const state = await kind.apply?.(defsOf(this.context(service).model, kind.key, service), this.context(service), previous);
    this.services.get(service)?.states.set(kind.key, state);
    return state;
  }

  private context(service: string): ApplyContext {
    if (!this.runtime.model) throw new Error('no assembly loaded');
    return { runtime: this.runtime, model: this.runtime.model, service };
  }
}
