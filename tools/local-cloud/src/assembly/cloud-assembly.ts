import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CfnTemplate } from './template';
import type { Logger } from '../log';

/** One CloudFormation stack of a synthesized cloud assembly (cdk.out). */
export interface AssemblyStack {
  /** The service (Nx app) the assembly belongs to: the folder name under dist/apps. */
  service: string;
  artifactId: string;
  stackName: string;
  assemblyDir: string;
  templateFile: string;
  template: CfnTemplate;
  /** File assets by S3 object key and by asset hash -> absolute path of the staged asset in cdk.out. */
  assets: Map<string, string>;
}

export interface AssemblyLocation {
  service: string;
  dir: string;
}

interface ManifestArtifact {
  type: string;
  environment?: string;
  properties?: {
    templateFile?: string;
    stackName?: string;
    file?: string;
    directoryName?: string;
  };
  displayName?: string;
}

interface AssetManifest {
  files?: Record<
    string,
    {
      source: { path: string; packaging?: string };
      destinations?: Record<string, { bucketName?: string; objectKey?: string }>;
    }
  >;
}

/**
 * Finds the synthesized assemblies of every service: `<root>/<service>/cdk.out/manifest.json`
 * (by default dist/apps/&ast;/cdk.out), or `<root>/<service>/manifest.json` (the test fixtures).
 */
export function discoverAssemblies(root: string): AssemblyLocation[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((service) => {
      const nested = join(root, service, 'cdk.out');
      return { service, dir: existsSync(join(nested, 'manifest.json')) ? nested : join(root, service) };
    })
    .filter(({ dir }) => existsSync(join(dir, 'manifest.json')));
}

/** One service's assembly: from `dir` when given, else the one `discoverAssemblies(root)` finds for it. */
export function loadServiceAssembly(root: string, service: string, dir?: string): { location: AssemblyLocation; stacks: AssemblyStack[] } {
  const location = dir ? { service, dir } : discoverAssemblies(root).find((candidate) => candidate.service === service);
  if (!location) throw new Error(`no assembly for ${service} under ${root}`);
  return { location, stacks: loadAssembly(location) };
}

/** Reads the stacks of one assembly (nested assemblies of CDK stages included). */
export function loadAssembly(location: AssemblyLocation): AssemblyStack[] {
  const dir = resolve(location.dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const artifacts = manifest.artifacts ?? {};
  const assets = new Map<string, string>();
  const stacks: AssemblyStack[] = [];

  for (const artifact of Object.values(artifacts)) {
    if (artifact.type === 'cdk:asset-manifest' && artifact.properties?.file) {
      readAssetManifest(dir, artifact.properties.file, assets);
    }
  }
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const templateFile = join(dir, artifact.properties.templateFile);
      stacks.push({
        service: location.service,
        artifactId,
        stackName: artifact.properties.stackName ?? artifactId,
        assemblyDir: dir,
        templateFile,
        template: JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate,
        assets,
      });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...loadAssembly({ service: location.service, dir: join(dir, artifact.properties.directoryName) }));
    }
  }
  return stacks;
}

function readAssetManifest(dir: string, file: string, into: Map<string, string>): void {
  const manifest = JSON.parse(readFileSync(join(dir, file), 'utf8')) as AssetManifest;
  for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
    const path = join(dir, asset.source.path);
    into.set(hash, path);
    for (const destination of Object.values(asset.destinations ?? {})) {
      if (destination.objectKey) into.set(destination.objectKey, path);
    }
  }
}

/** Finds the code folder of a Lambda function: its S3 key in the asset manifest, else the asset metadata CDK adds. */
export function findCodeAsset(stack: AssemblyStack, s3Key: unknown, metadata: Record<string, unknown> | undefined): string | undefined {
  if (typeof s3Key === 'string') {
    const byKey = stack.assets.get(s3Key) ?? stack.assets.get(s3Key.replace(/\.zip$/, ''));
    if (byKey && existsSync(byKey)) return byKey;
  }
  const metadataPath = metadata?.['aws:asset:path'];
  if (typeof metadataPath === 'string') {
    const path = join(stack.assemblyDir, metadataPath);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

/**
 * The stacks of every assembly under `root` (only `services`, when given); warns when there are
 * none, or when they come from different stages (their SSM names would not meet).
 */
export function loadAssemblies(root: string, services: string[] | undefined, logger: Pick<Logger, 'warn'>): AssemblyStack[] {
  const locations = discoverAssemblies(root).filter((location) => !services || services.includes(location.service));
  if (locations.length === 0) logger.warn(`no assemblies under ${root} (synthesize with: npx nx run-many -t synth -c local)`);
  const stacks = locations.flatMap((location) => loadAssembly(location));
  const stages = new Map(stacks.map((stack) => [stack.service, /^shop-([a-z0-9]+)-/.exec(stack.stackName)?.[1]]));
  if (new Set([...stages.values()].filter(Boolean)).size > 1) {
    logger.warn(
      `the assemblies come from different stages (${[...stages].map(([service, stage]) => `${service}: ${stage}`).join(', ')}); their SSM names will not meet. Synthesize with: npx nx run-many -t synth -c local`,
    );
  }
  return stacks;
}
