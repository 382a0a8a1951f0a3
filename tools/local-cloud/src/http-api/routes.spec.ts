import type { HttpRouteDef } from './model';
import { HttpRoutes, parseRouteKey } from './routes';

const route = (routeKey: string): HttpRouteDef => ({ routeKey, authorizationType: 'NONE', scopes: [] });
const chosen = (routes: HttpRoutes, method: string, path: string) => routes.match(method, path)?.route.routeKey;

describe('HttpRoutes', () => {
  // The route selection example of API Gateway's developer guide ("Working with routes for HTTP APIs").
  const example = new HttpRoutes(['GET /pets/dog/1', 'GET /pets/dog/{id}', 'GET /pets/{proxy+}', 'ANY /{proxy+}', '$default'].map(route));

  it.each([
    ['GET', '/pets/dog/1', 'GET /pets/dog/1'],
    ['GET', '/pets/dog/2', 'GET /pets/dog/{id}'],
    ['GET', '/pets/cat/1', 'GET /pets/{proxy+}'],
    ['POST', '/pets/cat/1', 'ANY /{proxy+}'],
    ['GET', '/pets', 'ANY /{proxy+}'],
    ['GET', '/', '$default'],
  ])('selects as API Gateway does: %s %s → %s', (method, path, routeKey) => {
    expect(chosen(example, method, path)).toBe(routeKey);
  });

  it('prefers a literal part over a parameter, the longer greedy prefix, and the exact method over ANY', () => {
    const routes = new HttpRoutes(
      ['ANY /items/{id}', 'GET /items/special', 'GET /items/{id}', 'ANY /{proxy+}', 'ANY /items/{rest+}'].map(route),
    );
    expect(chosen(routes, 'GET', '/items/special')).toBe('GET /items/special');
    expect(chosen(routes, 'GET', '/items/7')).toBe('GET /items/{id}');
    expect(chosen(routes, 'DELETE', '/items/7')).toBe('ANY /items/{id}');
    expect(chosen(routes, 'GET', '/items/7/parts')).toBe('ANY /items/{rest+}');
    expect(chosen(routes, 'GET', '/other/7')).toBe('ANY /{proxy+}');
  });

  it('gives decoded path parameters, a greedy one with its slashes', () => {
    const routes = new HttpRoutes(['GET /files/{name}', 'GET /tree/{path+}'].map(route));
    expect(routes.match('GET', '/files/a%20b')).toEqual({
      route: route('GET /files/{name}'),
      path: '/files/{name}',
      pathParameters: { name: 'a b' },
    });
    expect(routes.match('GET', '/tree/x/y%2Fz')?.pathParameters).toEqual({ path: 'x/y/z' });
  });

  it('matches nothing without a $default route: a greedy path never takes the root, a parameter never an empty part', () => {
    const routes = new HttpRoutes(['ANY /{proxy+}', 'GET /items/{id}'].map(route));
    expect(routes.match('GET', '/')).toBeUndefined();
    expect(routes.match('GET', '/items')).toEqual(expect.objectContaining({ path: '/{proxy+}' }));
    expect(new HttpRoutes([route('GET /items/{id}')]).match('GET', '/items')).toBeUndefined();
    expect(new HttpRoutes([route('GET /items')]).match('POST', '/items')).toBeUndefined();
  });

  it('reads route keys', () => {
    expect(parseRouteKey('get /a/{b}')).toEqual({ method: 'GET', path: '/a/{b}' });
    expect(parseRouteKey('$default')).toBeUndefined();
    expect(() => parseRouteKey('GET')).toThrow('is not "METHOD /path" or $default');
  });
});
