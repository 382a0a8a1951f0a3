import { renderBanner, type BannerView } from './banner';

const shop: BannerView = {
  baseUrl: 'http://127.0.0.1:3000',
  readySeconds: 2.5,
  routes: [
    {
      service: 'product',
      basePath: 'products',
      methods: [
        { httpMethod: 'GET', resourcePath: '/', authorizationType: 'NONE' },
        { httpMethod: 'POST', resourcePath: '/', authorizationType: 'COGNITO_USER_POOLS' },
      ],
    },
  ],
  urls: [],
  hasUserPool: true,
  secretPath: '/shop/.local-cloud/control-secret',
  stateDir: '/shop/.local-cloud',
  assembliesRoot: '/shop/dist/apps',
};
const notes: BannerView = {
  ...shop,
  routes: [
    {
      service: 'notes',
      basePath: '_api/abc123/prod',
      methods: [{ httpMethod: 'GET', resourcePath: '/notes/{id}', authorizationType: 'NONE' }],
    },
  ],
  urls: [{ service: 'notes', name: 'HttpApi ($default)', url: 'http://127.0.0.1:3000/_api/xyz/' }],
  hasUserPool: false,
  secretPath: '/home/me/.cache/local-cloud/notes-1a2b3c4d/control-secret',
  stateDir: '/home/me/.cache/local-cloud/notes-1a2b3c4d',
  app: { kind: 'cdk-app', dir: '/src/notes', appDir: '/src/notes', name: 'notes' },
  assembliesRoot: '/home/me/.cache/local-cloud/notes-1a2b3c4d/assemblies',
};

describe('renderBanner', () => {
  it('for the shop: its routes, npm run token (it has a user pool) and nx run <service>:deploy', () => {
    const text = renderBanner(shop);
    expect(text).toContain('  product    http://127.0.0.1:3000/products');
    expect(text).toMatch(/\/products\s+public: GET {3}token: POST/);
    expect(text).toContain('npm run -s token -- --admin');
    expect(text).toContain('npx nx run <service>:deploy -c local');
  });

  it('for another app without a user pool: its APIs and URLs, no token lines, no nx, how to synthesize again and deploy', () => {
    const text = renderBanner(notes);
    expect(text).toContain('app: notes (/src/notes)');
    expect(text).toContain('  notes      http://127.0.0.1:3000/_api/abc123/prod\n    /_api/abc123/prod/notes/{id} public: GET');
    expect(text).toContain('http://127.0.0.1:3000/_api/xyz/  HttpApi ($default)');
    expect(text).not.toMatch(/token/i);
    expect(text).not.toContain('nx ');
    expect(text).not.toContain('npm run');
    expect(text).toContain('State (keys, --persist data, caches): /home/me/.cache/local-cloud/notes-1a2b3c4d');
    expect(text).toContain(
      `(cd /src/notes && npx cdk synth -o ${notes.assembliesRoot}/notes) && curl -X POST -H "x-local-cloud-secret: $(cat ${notes.secretPath})" -d '{"service":"notes"}' http://127.0.0.1:3000/_local/deploy`,
    );
  });

  it('for another app with a user pool: a token from POST /_local/tokens with the secret, not npm run token', () => {
    const text = renderBanner({ ...notes, hasUserPool: true });
    expect(text).toContain(
      `curl -s -X POST -H "x-local-cloud-secret: $(cat ${notes.secretPath})" -d '{"username":"alice","groups":["admin"]}' http://127.0.0.1:3000/_local/tokens`,
    );
    expect(text).not.toContain('npm run');
  });

  it('for a single cdk.out or a folder of assemblies: synthesize again, then POST /_local/deploy the service', () => {
    expect(renderBanner({ ...notes, app: { kind: 'assembly', dir: '/src/notes/cdk.out', appDir: '/src/notes', name: 'notes' } })).toContain(
      'synthesize the app again (cdk synth, into the same cdk.out), then',
    );
    const folder = renderBanner({ ...notes, app: { kind: 'assemblies', dir: '/src/out', appDir: '/src/out', name: 'out' } });
    expect(folder).toContain('synthesize it again into /src/out/<service>, then');
    expect(folder).toContain(`-d '{"service":"notes"}'`);
  });
});
