import { appStateDir, userCacheRoot } from './user-state-dir';

describe('userCacheRoot', () => {
  it('is $XDG_CACHE_HOME when set, else the platform cache folder', () => {
    expect(userCacheRoot({ XDG_CACHE_HOME: '/var/cache/me' }, 'linux', '/home/me')).toBe('/var/cache/me');
    expect(userCacheRoot({}, 'linux', '/home/me')).toBe('/home/me/.cache');
    expect(userCacheRoot({}, 'darwin', '/Users/me')).toBe('/Users/me/Library/Caches');
    expect(userCacheRoot({ XDG_CACHE_HOME: '/tmp/xdg' }, 'darwin', '/Users/me')).toBe('/tmp/xdg');
  });
});

describe('appStateDir', () => {
  it('is <cache>/local-cloud/<folder name>-<8 hex of the absolute path>, the same for the same app', () => {
    const dir = appStateDir('/src/team/notes-app', {}, 'linux', '/home/me');
    expect(dir).toMatch(/^\/home\/me\/\.cache\/local-cloud\/notes-app-[0-9a-f]{8}$/);
    expect(appStateDir('/src/team/notes-app/', {}, 'linux', '/home/me')).toBe(dir);
  });

  it('keeps two apps with the same folder name apart', () => {
    const a = appStateDir('/src/team-a/api', {}, 'linux', '/home/me');
    const b = appStateDir('/src/team-b/api', {}, 'linux', '/home/me');
    expect(a).not.toBe(b);
    expect([a, b].map((dir) => dir.replace(/-[0-9a-f]{8}$/, ''))).toEqual([
      '/home/me/.cache/local-cloud/api',
      '/home/me/.cache/local-cloud/api',
    ]);
  });
});
