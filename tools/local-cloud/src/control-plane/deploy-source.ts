import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { discoverAssemblies, type AssemblyLocation } from '../assembly/cloud-assembly';
import { ControlPlaneInputError } from './input';

export interface DeploySourceRoots {
  /** Where the running local cloud found its assemblies (chosen by whoever started it). */
  assembliesRoot: string;
  /** The only folder a `dir` may point into: the workspace's `dist/`. Relative dirs resolve from its parent. */
  deployRoot: string;
}

/**
 * Where `POST /_local/deploy` loads a service's assembly from: the service's folder under the
 * assemblies root, or `dir`, which must resolve (symlinks followed) to a folder inside the
 * workspace's `dist/` holding a `manifest.json` (or a `cdk.out/` with one). Anything else throws
 * ControlPlaneInputError: the control plane never loads code from elsewhere on the disk.
 */
export function deploySource(service: string, dir: string | undefined, roots: DeploySourceRoots): AssemblyLocation {
  if (dir === undefined) {
    const found = discoverAssemblies(roots.assembliesRoot);
    const location = found.find((candidate) => candidate.service === service);
    if (!location) {
      throw new ControlPlaneInputError(
        `no assembly for service "${service}" under ${roots.assembliesRoot} (services with one: ${found.map((candidate) => candidate.service).join(', ') || 'none'}; synthesize it with npx nx run ${service}:synth -c local)`,
      );
    }
    return location;
  }
  const rule = `deploy loads assemblies only from the workspace's dist/ (${roots.deployRoot})`;
  if (!existsSync(roots.deployRoot)) throw new ControlPlaneInputError(`${rule}, which does not exist`);
  const allowed = realpathSync(roots.deployRoot);
  /** The real path of a folder, refused unless it lies inside dist/ (symlinks followed). */
  const insideDist = (path: string, named: string) => {
    const real = realpathSync(path);
    const inside = relative(allowed, real);
    if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new ControlPlaneInputError(`${rule}: ${named} resolves to ${real}`);
    }
    return real;
  };
  const wanted = isAbsolute(dir) ? dir : resolve(dirname(roots.deployRoot), dir);
  if (!existsSync(wanted)) throw new ControlPlaneInputError(`${rule}: ${dir} does not exist`);
  const real = insideDist(wanted, dir);
  const nested = join(real, 'cdk.out');
  const assembly = existsSync(join(nested, 'manifest.json')) ? insideDist(nested, join(dir, 'cdk.out')) : real;
  if (!existsSync(join(assembly, 'manifest.json'))) throw new ControlPlaneInputError(`${dir} holds no cloud assembly (no manifest.json)`);
  return { service, dir: assembly };
}
