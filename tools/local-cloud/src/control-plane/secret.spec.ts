import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlSecretPath, ControlSecretMissingError, createControlSecret, readControlSecret, removeControlSecret } from './secret';

const fresh = () => mkdtempSync(join(tmpdir(), 'control-secret-'));

describe('control secret', () => {
  it('writes a new random secret at each start, readable by the owner only (0600)', () => {
    const dir = fresh();
    writeFileSync(controlSecretPath(dir), 'old', { mode: 0o644 });
    const first = createControlSecret(dir);
    const second = createControlSecret(dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(readControlSecret(dir)).toBe(second);
    expect(statSync(controlSecretPath(dir)).mode & 0o777).toBe(0o600);
  });

  it('tells a tool reading it that no local cloud runs when the file is missing', () => {
    const dir = fresh();
    expect(() => readControlSecret(dir)).toThrow(ControlSecretMissingError);
    expect(() => readControlSecret(dir)).toThrow(
      `${join(dir, 'control-secret')} does not exist: is the local cloud running? Start it with npm start`,
    );
  });

  it('is removed at stop, unless a later start replaced it', () => {
    const dir = fresh();
    const mine = createControlSecret(dir);
    const theirs = createControlSecret(dir);
    removeControlSecret(dir, mine);
    expect(readControlSecret(dir)).toBe(theirs);
    removeControlSecret(dir, theirs);
    expect(() => readControlSecret(dir)).toThrow(ControlSecretMissingError);
    expect(() => removeControlSecret(dir, theirs)).not.toThrow();
  });
});
