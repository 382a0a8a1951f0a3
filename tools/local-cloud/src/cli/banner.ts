import type { AppTarget } from './app-target';

/** One REST API as the gateway mounts it (what `LocalCloud.routes()` gives). */
interface BannerRoute {
  service: string;
  basePath: string;
  methods: { httpMethod: string; resourcePath: string; authorizationType: string }[];
}

/** What the start banner tells: the app's APIs and URLs, and how to get a token and redeploy for this app. */
export interface BannerView {
  baseUrl: string;
  readySeconds: number;
  routes: BannerRoute[];
  /** HTTP API stages, function URLs, ...: one line each. */
  urls: { service: string; name: string; url: string }[];
  /** A Cognito user pool is in the assemblies: tokens are worth offering. */
  hasUserPool: boolean;
  secretPath: string;
  stateDir: string;
  /** The app given on the command line; none: the shop (npm start, an Nx workspace with deploy targets). */
  app?: AppTarget;
  /** Where the app's assemblies are served from (`<assemblies root>/<service>`). */
  assembliesRoot: string;
}

/**
 * The lines `npm start` / `local-cloud <dir>` print once ready. They speak of the app in front of
 * it: its routes and URLs; token commands only when it has a user pool (the shop's `npm run token`,
 * else `POST /_local/tokens`); `nx run <service>:deploy` only for the shop, another app's way to
 * redeploy otherwise.
 */
export function renderBanner(view: BannerView): string {
  const { baseUrl } = view;
  const lines = [
    '',
    `Local cloud: ${baseUrl}  (ready in ${view.readySeconds} s)${view.app ? `  app: ${view.app.name} (${view.app.dir})` : ''}`,
    '',
  ];
  for (const route of view.routes) lines.push(...routeLines(route, baseUrl));
  if (view.routes.length === 0) lines.push('  no REST API found in the assemblies');
  for (const { service, name, url } of view.urls) lines.push(`  ${service.padEnd(10)} ${url}  ${name}`);
  lines.push('');
  const secret = `$(cat ${view.secretPath})`;
  if (view.hasUserPool) {
    lines.push('  Tokens (ID tokens of the local user pool, valid 1 h):');
    if (view.app) {
      lines.push(
        `    curl -s -X POST -H "x-local-cloud-secret: ${secret}" -d '{"username":"alice","groups":["admin"]}' ${baseUrl}/_local/tokens`,
      );
      lines.push('    # answers {"token": ...}: send it as  -H "Authorization: Bearer <token>"');
    } else {
      lines.push('    npm run -s token -- --admin              # admin group');
      lines.push('    npm run -s token -- --customer alice     # a customer');
      lines.push(`    curl -H "Authorization: Bearer $(npm run -s token -- --admin)" ${baseUrl}/...`);
    }
    lines.push('');
  }
  lines.push(
    `  Local endpoints: /_local/health  /_local/routes  /_local/resources  /_local/executions/<id>  POST /_local/deploy  console: ${baseUrl}/_local/console`,
  );
  lines.push(
    `  POST and other changes to /_local/* need header x-local-cloud-secret: the content of ${view.secretPath} (new at each start)`,
  );
  lines.push(`  State (keys, --persist data, caches): ${view.stateDir}`);
  lines.push(...redeployLines(view, secret));
  lines.push('  Ctrl-C stops everything.');
  lines.push('');
  return `${lines.join('\n')}\n`;
}

function routeLines(route: BannerRoute, baseUrl: string): string[] {
  const lines = [`  ${route.service.padEnd(10)} ${baseUrl}/${route.basePath}`];
  const byResource = new Map<string, Map<string, string[]>>();
  for (const method of route.methods) {
    const path = `/${route.basePath}${method.resourcePath === '/' ? '' : method.resourcePath}`;
    const auth =
      method.authorizationType === 'NONE'
        ? 'public'
        : method.authorizationType === 'COGNITO_USER_POOLS'
          ? 'token'
          : method.authorizationType;
    const byAuth = byResource.get(path) ?? new Map<string, string[]>();
    byAuth.set(auth, [...(byAuth.get(auth) ?? []), method.httpMethod]);
    byResource.set(path, byAuth);
  }
  for (const [path, byAuth] of byResource) {
    lines.push(`    ${path.padEnd(28)} ${[...byAuth].map(([auth, methods]) => `${auth}: ${methods.join(' ')}`).join('   ')}`);
  }
  return lines;
}

function redeployLines({ app, baseUrl, assembliesRoot, routes }: BannerView, secret: string): string[] {
  if (!app) return ['  Redeploy one service after a change: npx nx run <service>:deploy -c local'];
  const deploy = (service: string) =>
    `curl -X POST -H "x-local-cloud-secret: ${secret}" -d '{"service":"${service}"}' ${baseUrl}/_local/deploy`;
  switch (app.kind) {
    case 'cdk-app':
      return [
        '  Redeploy after a change: Ctrl-C and run local-cloud on the app again (it synthesizes again), or, keeping it running:',
        `    (cd ${app.dir} && npx cdk synth -o ${assembliesRoot}/${app.name}) && ${deploy(app.name)}`,
      ];
    case 'assembly':
      return ['  Redeploy after a change: synthesize the app again (cdk synth, into the same cdk.out), then', `    ${deploy(app.name)}`];
    case 'assemblies': {
      const service = routes[0]?.service ?? '<service>';
      return [`  Redeploy a service after a change: synthesize it again into ${app.dir}/<service>, then`, `    ${deploy(service)}`];
    }
  }
}
