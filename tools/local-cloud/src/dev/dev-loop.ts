/**
 * Watch mode (`npm run dev`): watches `apps/` and `libs/`, and when a source file changes swaps
 * the services it reaches into the running local cloud. A change only the bundles read is
 * rebundled in process (esbuild, incrementally, with the shop plugin's options) into a copy of the
 * service's assembly (`dist/local-cloud-dev/<service>`), which is deployed as
 * `nx run <service>:deploy -c local` would; a change the stack reads (a new route, queue or
 * function) synthesizes the service again (`nx run <service>:synth -c local`) and deploys the
 * new assembly.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';
import { discoverAssemblies } from '../assembly/cloud-assembly';
import type { Logger } from '../log';
import type { DeployReport } from '../runtime/deploy-report';
import { isWatchedSource, planChanges, type PlannedService, type ServiceAction } from './change-plan';
import { readProjectGraph, type ProjectNode } from './project-graph';
import { assetFoldersOf, bundleOptions, handlerEntries, rebuild, stackInputs, type FunctionBundle } from './service-bundles';

/** What watch mode needs of the running local cloud. */
export interface DeployTarget {
  /** Swaps a service's assembly in: the one under the assemblies root, or `dir`. */
  deploy(service: string, dir?: string): Promise<DeployReport>;
}

export interface DevLoopOptions {
  /** The workspace root. */
  root: string;
  /** `dist/apps`: `<service>/cdk.out`. */
  assembliesRoot: string;
  /** The services the local cloud runs. */
  services: string[];
  cloud: DeployTarget;
  logger: Logger;
  /** Quiet time after the last change of a burst before acting on it (an editor saves in several writes). @default 100 */
  debounceMs?: number;
  /** Synthesizes a service's local assembly (default: `nx run <service>:synth -c local`). */
  synth?: (service: string) => Promise<void>;
}

/** One watched service. */
interface WatchedService extends PlannedService {
  bundles: Map<string, FunctionBundle>;
  /** Function → asset folder names in its assembly. */
  assetFolders: Map<string, string[]>;
  /** Its bundles' first build, once started (shared by whoever needs them first). */
  prepared?: Promise<void>;
  /** The copy of its assembly the rebundled code goes into, once made. */
  devDir?: string;
}

const ms = (since: number) => `${Math.round(performance.now() - since)} ms`;

/** Runs watch mode until {@link DevLoop.stop}. */
export class DevLoop {
  private readonly services = new Map<string, WatchedService>();
  private readonly watchers: FSWatcher[] = [];
  private readonly pending = new Set<string>();
  private projects: ProjectNode[] = [];
  private timer?: NodeJS.Timeout;
  private work: Promise<void> = Promise.resolve();
  /** Services waiting for their turn in the queue, with what they will do. */
  private readonly queued = new Map<string, { action: ServiceAction; files: string[]; savedAt: number }>();
  private background: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Stops a synth in progress when watch mode stops. */
  private readonly aborted = new AbortController();
  /** Swaps done, for the tests and the bench. */
  swaps = 0;

  constructor(private readonly options: DevLoopOptions) {}

  private get devRoot(): string {
    return join(this.options.root, 'dist/local-cloud-dev');
  }

  /** Reads the project graph and each service's stack inputs, then watches; bundles are prepared in the background. */
  async start(): Promise<void> {
    const started = performance.now();
    const { root, logger } = this.options;
    this.projects = await readProjectGraph(root);
    for (const service of this.options.services) {
      const project = this.projects.find((candidate) => candidate.root === `apps/${service}`);
      if (!project) continue;
      this.services.set(service, {
        name: service,
        project: project.name,
        root: project.root,
        stackInputs: await stackInputs(root, project.root),
        handlerFiles: new Set([...handlerEntries(root, project.root).values()].map((file) => relative(root, file))),
        bundles: new Map(),
        assetFolders: new Map(),
      });
    }
    for (const folder of ['apps', 'libs']) {
      const dir = join(root, folder);
      if (!existsSync(dir)) continue;
      const watcher = watch(dir, { recursive: true }, (_event, file) => file && this.changed(`${folder}/${file.toString()}`));
      watcher.on('error', (error) => logger.warn(`dev: watching ${folder}/ failed: ${error.message}`));
      this.watchers.push(watcher);
    }
    logger.info(
      `dev: watching apps/ and libs/ for ${[...this.services.keys()].join(', ') || 'no service'} (ready in ${ms(started)}); a change is bundled and swapped in, a change to a stack synthesized again`,
    );
    // The first build of each bundle costs the most: do it now, one service after the other, so the first change is quick.
    // Outside the queue of changes: a change to one service does not wait for the others' bundles.
    this.background = (async () => {
      const preparing = performance.now();
      for (const service of this.services.values()) if (!this.stopped) await this.prepareBundles(service);
      const count = [...this.services.values()].reduce((sum, service) => sum + service.bundles.size, 0);
      if (!this.stopped) logger.info(`dev: ${count} function bundles ready to rebuild in ${ms(preparing)}`);
    })().catch((error: unknown) => logger.error(`dev: ${(error as Error).message}`));
  }

  /** Stops watching, waits for the change in hand, and frees the bundlers. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    this.aborted.abort();
    await Promise.all([this.work, this.background]);
    await Promise.all(
      [...this.services.values()].flatMap((service) => [...service.bundles.values()].map((bundle) => bundle.context.dispose())),
    );
  }

  private changed(file: string): void {
    if (this.stopped || !isWatchedSource(file)) return;
    this.pending.add(file);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.options.debounceMs ?? 100);
  }

  private flush(): void {
    const files = [...this.pending];
    this.pending.clear();
    const savedAt = performance.now();
    const plan = planChanges(files, this.projects, [...this.services.values()]);
    if (plan.size === 0) {
      this.options.logger.debug(`dev: ${files.join(', ')} changed; no bundle or stack reads it`);
      return;
    }
    this.options.logger.info(
      `dev: ${files.join(', ')} changed → ${[...plan].map(([service, action]) => `${service} (${action})`).join(', ')}`,
    );
    for (const [service, action] of plan) {
      // A service already waiting in the queue takes the new change into that turn (a synth wins over a bundle).
      const waiting = this.queued.get(service);
      if (waiting) {
        waiting.action = waiting.action === 'synth' ? 'synth' : action;
        waiting.files = [...new Set([...waiting.files, ...files])];
        continue;
      }
      const turn = { action, files, savedAt };
      this.queued.set(service, turn);
      this.enqueue(() => {
        this.queued.delete(service);
        return this.apply(this.services.get(service), turn.action, turn.files, turn.savedAt);
      });
    }
  }

  /** Changes are applied one at a time, in order. */
  private enqueue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((error: unknown) => {
      // A synth stopped with watch mode is not a failure.
      if (!this.stopped) this.options.logger.error(`dev: ${(error as Error).message}`);
    });
  }

  private async apply(service: WatchedService | undefined, action: ServiceAction, files: string[], savedAt: number): Promise<void> {
    if (!service || this.stopped) return;
    if (action === 'synth') await this.resynthesize(service, savedAt);
    else await this.rebundle(service, files, savedAt);
  }

  /** The esbuild context of each function of a service, built once; the first caller starts it, the others wait for it. */
  private prepareBundles(service: WatchedService): Promise<void> {
    service.prepared ??= this.buildBundles(service).catch((error: unknown) => {
      service.prepared = undefined;
      throw error;
    });
    return service.prepared;
  }

  private async buildBundles(service: WatchedService): Promise<void> {
    const { root } = this.options;
    const { context } = await import('esbuild');
    const entries = handlerEntries(root, service.root);
    const bundles = new Map<string, FunctionBundle>();
    for (const [fn, entry] of entries) {
      if (this.stopped) break;
      const bundle: FunctionBundle = {
        fn,
        context: await context(bundleOptions(root, service.root, entry)),
        inputs: new Set(),
        outputs: new Map(),
      };
      bundles.set(fn, bundle);
      service.bundles = bundles;
      await rebuild(bundle);
    }
    service.bundleInputs = new Set([...bundles.values()].flatMap((bundle) => [...bundle.inputs]));
    service.assetFolders = assetFoldersOf(this.assemblyDir(service.name), join(root, 'dist', service.root, 'bundles'), entries.keys());
  }

  private assemblyDir(service: string): string {
    const location = discoverAssemblies(this.options.assembliesRoot).find((candidate) => candidate.service === service);
    if (!location) throw new Error(`no assembly of ${service} under ${this.options.assembliesRoot}`);
    return location.dir;
  }

  /** Bundles again the service's functions that read a changed file (all of them when none is known to) and swaps the ones that changed in. */
  private async rebundle(service: WatchedService, files: string[], savedAt: number): Promise<void> {
    const { logger } = this.options;
    await this.prepareBundles(service);
    const started = performance.now();
    const all = [...service.bundles.values()];
    const reading = all.filter((bundle) => files.some((file) => bundle.inputs.has(file)));
    await Promise.all((reading.length > 0 ? reading : all).map((bundle) => rebuild(bundle)));
    service.bundleInputs = new Set([...service.bundles.values()].flatMap((bundle) => [...bundle.inputs]));
    // Compared with the code the local cloud runs now (the assembly's, or the copy's after an earlier swap).
    const running = service.devDir ?? this.assemblyDir(service.name);
    const changed = [...service.bundles.values()].filter((bundle) =>
      (service.assetFolders.get(bundle.fn) ?? []).some(
        (folder) => !sameBytes(readIfExists(join(running, folder, 'index.js')), bundle.outputs.get('index.js')),
      ),
    );
    const unmatched = [...service.bundles.keys()].filter((fn) => (service.assetFolders.get(fn) ?? []).length === 0);
    if (unmatched.length > 0)
      logger.warn(
        `dev: ${service.name}: no asset folder holds the bundle of ${unmatched.join(', ')}; synthesize it (nx run ${service.name}:synth -c local)`,
      );
    if (changed.length === 0) {
      logger.info(`dev: ${service.name}: bundled in ${ms(started)}, no function changed; nothing to swap`);
      return;
    }
    const devDir = this.devCopy(service);
    for (const bundle of changed) {
      for (const folder of service.assetFolders.get(bundle.fn) ?? []) {
        for (const [name, contents] of bundle.outputs) writeFileSync(join(devDir, folder, name), contents);
      }
    }
    const bundled = ms(started);
    const swapStarted = performance.now();
    await this.options.cloud.deploy(service.name, devDir);
    this.swaps += 1;
    logger.info(
      `dev: ${service.name}: ${changed.map((bundle) => bundle.fn).join(', ')} bundled in ${bundled}, swapped in in ${ms(swapStarted)} (${ms(savedAt)} after the change)`,
    );
  }

  /** The copy of the service's assembly that rebundled code is written into (made on first use, after each synth). */
  private devCopy(service: WatchedService): string {
    if (service.devDir) return service.devDir;
    const devDir = join(this.devRoot, service.name, 'cdk.out');
    rmSync(devDir, { recursive: true, force: true });
    mkdirSync(devDir, { recursive: true });
    cpSync(this.assemblyDir(service.name), devDir, { recursive: true });
    service.devDir = devDir;
    return devDir;
  }

  /** Synthesizes the service again (its template changed or may have), then deploys the new assembly. */
  private async resynthesize(service: WatchedService, savedAt: number): Promise<void> {
    const { logger, root } = this.options;
    const started = performance.now();
    logger.info(`dev: ${service.name}: synthesizing (nx run ${service.name}:synth -c local) ...`);
    await (this.options.synth ?? ((name: string) => synthesize(root, name, this.aborted.signal)))(service.name);
    if (this.stopped) return;
    const synthesized = ms(started);
    const swapStarted = performance.now();
    await this.options.cloud.deploy(service.name);
    this.swaps += 1;
    logger.info(`dev: ${service.name}: synthesized in ${synthesized}, swapped in in ${ms(swapStarted)} (${ms(savedAt)} after the change)`);
    // What the new assembly is made of: its stack's inputs, handlers, asset folders; the copy starts over from it.
    service.devDir = undefined;
    service.stackInputs = await stackInputs(root, service.root);
    service.handlerFiles = new Set([...handlerEntries(root, service.root).values()].map((file) => relative(root, file)));
    await service.prepared?.catch(() => undefined);
    await Promise.all([...service.bundles.values()].map((bundle) => bundle.context.dispose()));
    service.bundles = new Map();
    service.bundleInputs = undefined;
    service.prepared = undefined;
    await this.prepareBundles(service);
  }
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) => a !== undefined && b !== undefined && Buffer.from(a).equals(b);

const readIfExists = (path: string) => (existsSync(path) ? readFileSync(path) : undefined);

/** `nx run <service>:synth -c local`, its output shown only when it fails; `signal` stops it. */
function synthesize(root: string, service: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'node_modules/.bin/nx'), 'run', `${service}:synth`, '-c', 'local', '--output-style=static'],
      {
        cwd: root,
        env: { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`synth of ${service} failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
}
