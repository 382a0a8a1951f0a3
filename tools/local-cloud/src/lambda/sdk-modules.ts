import { existsSync, readdirSync, readFileSync } from 'node:fs';
import Module, { createRequire, isBuiltin } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** `@aws-sdk/client-s3/dist-cjs/x` → `@aws-sdk/client-s3`; undefined for anything that is not an AWS SDK v3 package. */
export function sdkPackageOf(specifier: string): string | undefined {
  const match = /^(@aws-sdk\/[^/]+)/.exec(specifier);
  return match?.[1];
}

/** The AWS SDK v3 clients and libraries (`client-*`, `lib-*`) the module folders hold, sorted. */
export function providedSdkPackages(moduleFolders: readonly string[]): string[] {
  const names = new Set<string>();
  for (const folder of moduleFolders) {
    const scope = join(folder, '@aws-sdk');
    if (!existsSync(scope)) continue;
    for (const entry of readdirSync(scope)) if (/^(client|lib)-/.test(entry)) names.add(`@aws-sdk/${entry}`);
  }
  return [...names].sort();
}

/**
 * What a function whose bundle needs an AWS SDK v3 package the local cloud cannot resolve is told at
 * its cold start: the package, the ones it can have, and the two ways out.
 */
export function missingSdkPackageMessage(sdkPackage: string, provided: readonly string[]): string {
  return (
    `Cannot find module '${sdkPackage}': Lambda's Node.js runtime provides the whole AWS SDK v3, the local cloud only the ` +
    `clients it ships (${provided.join(', ') || 'none found'}) and what the app's own node_modules holds. ` +
    `Bundle ${sdkPackage} into the function (NodejsFunction: leave it out of bundling.externalModules), ` +
    `or install it next to the app (npm i ${sdkPackage} in the app's folder, then start the local cloud again).`
  );
}

/**
 * The `@aws-sdk/*` packages a function's handler module imports (`require`, `import ... from`,
 * `import()` with a literal) that resolve neither from its code folder nor from the module folders:
 * its cold start will fail on them. A regular expression over the one file (bundles are a few
 * hundred kB: well under a millisecond each), so an import in another file of an unbundled function
 * is only caught at its cold start.
 */
export function unresolvedSdkImports(codeDir: string, handler: string, moduleFolders: readonly string[]): string[] {
  const modulePath = handler.slice(0, Math.max(0, handler.lastIndexOf('.')));
  const file = ['.js', '.mjs', '.cjs'].map((extension) => join(codeDir, modulePath + extension)).find((candidate) => existsSync(candidate));
  if (!file) return [];
  const text = readFileSync(file, 'utf8');
  const packages = new Set<string>();
  for (const [, specifier] of text.matchAll(/(?:\brequire\(|\bfrom|\bimport\(?)\s*["'](@aws-sdk\/[\w.-]+)(?:\/[^"']*)?["']/g))
    packages.add(specifier);
  const require = createRequire(file);
  return [...packages].filter((name) => {
    try {
      require.resolve(name, { paths: [codeDir, ...moduleFolders] });
      return false;
    } catch {
      return true;
    }
  });
}

const notFound = (error: unknown): boolean => {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
};

const isBare = (specifier: string): boolean => !isBuiltin(specifier) && !/^(\.|\/|[a-zA-Z]:[\\/]|file:|data:|node:)/.test(specifier);

/**
 * Resolves bare module specifiers as Lambda's runtime does for a function: from the bundle's folder
 * up, then the folders of NODE_PATH. `require` reads NODE_PATH by itself; an ES module `import` does
 * not, so a bare specifier it cannot find is tried again from each of those folders (the SDK a
 * bundle left out of an `.mjs` handler). An `@aws-sdk/*` package found nowhere fails with
 * {@link missingSdkPackageMessage} (`Runtime.ImportModuleError`, as Lambda names a failed import).
 */
export function resolveFromNodePath(moduleFolders: readonly string[]): void {
  const parents = moduleFolders.map((folder) => pathToFileURL(join(folder, 'local-cloud-node-path.mjs')).href);
  Module.registerHooks({
    resolve: (specifier, context, next) => {
      try {
        return next(specifier, context);
      } catch (error) {
        if (!notFound(error) || !isBare(specifier)) throw error;
        for (const parentURL of parents) {
          try {
            return next(specifier, { ...context, parentURL });
          } catch (again) {
            if (!notFound(again)) throw again;
          }
        }
        const sdkPackage = sdkPackageOf(specifier);
        if (!sdkPackage) throw error;
        throw Object.assign(new Error(missingSdkPackageMessage(sdkPackage, providedSdkPackages(moduleFolders))), {
          name: 'Runtime.ImportModuleError',
          code: (error as { code?: string }).code,
        });
      }
    },
  });
}
