/** Whether the local cloud runs a function, and what it says about it at start-up. */
export type RuntimeSupport = { served: true; warning?: string } | { served: false; reason: string };

/**
 * Node.js runtimes run on the Node.js that runs the local cloud (a different major is a warning);
 * every other runtime (Python, Java, .NET, Ruby, `provided*` custom runtimes) and container images
 * (`PackageType: Image`) are not served.
 */
export function runtimeSupport(
  runtime: string | undefined,
  packageType: string | undefined,
  nodeVersion = process.versions.node,
): RuntimeSupport {
  if (packageType === 'Image') return { served: false, reason: 'a container image (PackageType Image) is not run locally' };
  const running = nodeVersion.split('.')[0];
  if (runtime === undefined) return { served: false, reason: 'no Runtime given (only Node.js runtimes run locally)' };
  const node = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!node) return { served: false, reason: `runtime ${runtime} is not run locally (only Node.js runtimes are)` };
  if (node[1] !== running) return { served: true, warning: `runtime ${runtime} runs on Node.js ${nodeVersion} here` };
  return { served: true };
}
