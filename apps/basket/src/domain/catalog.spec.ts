import { catalogEntryFromEvent, isForSale, supersedes, type CatalogEntry } from './catalog';
import { entry, productChanged } from './testing/fixtures';

const live = (version: number, changedAt = '2025-01-01T00:00:05.000Z'): CatalogEntry => entry({ version, changedAt });
const tombstone = (version: number, changedAt = '2025-01-01T00:00:05.000Z'): CatalogEntry => entry({ version, changedAt, deleted: true });

describe('catalogEntryFromEvent', () => {
  it('keeps the name, price and version of the product, with the event time', () => {
    const event = productChanged(
      'updated',
      { version: 4, name: 'Big mug', price: { amount: 1599, currency: 'EUR' } },
      '2025-03-01T10:00:00.000Z',
    );
    expect(catalogEntryFromEvent(event)).toEqual({
      sku: 'MUG-001',
      name: 'Big mug',
      price: { amount: 1599, currency: 'EUR' },
      version: 4,
      deleted: false,
      changedAt: '2025-03-01T10:00:00.000Z',
    });
  });

  it('turns a deletion into a tombstone', () => {
    expect(catalogEntryFromEvent(productChanged('deleted', { version: 3 }))).toMatchObject({ version: 3, deleted: true });
  });
});

describe('isForSale', () => {
  it('is true for a live entry only', () => {
    expect([isForSale(live(1)), isForSale(tombstone(1)), isForSale(undefined)]).toEqual([true, false, false]);
  });
});

describe('supersedes', () => {
  it.each([
    ['anything over nothing', live(1), undefined, true],
    ['a newer version over a live one', live(3), live(2), true],
    ['an older version over a live one: stale', live(2), live(3), false],
    ['the same version again: duplicate', live(2), live(2), false],
    ['a deletion at the stored version', tombstone(2, '2025-01-01T00:00:06.000Z'), live(2), true],
    ['a deletion at the same second as the last write', tombstone(2), live(2), true],
    ['a deletion at a newer version', tombstone(3, '2025-01-01T00:00:06.000Z'), live(2), true],
    ['a deletion of an older version: stale', tombstone(1, '2025-01-01T00:00:06.000Z'), live(2), false],
    ['a deletion older than a re-creation: stale', tombstone(3, '2025-01-01T00:00:04.000Z'), live(1), false],
    ['a deletion over nothing (kept as a tombstone)', tombstone(2), undefined, true],
    ['a deletion twice: duplicate', tombstone(2), tombstone(2), false],
    ['a late update older than the deletion: stale', live(2), tombstone(2), false],
    ['a late creation of the deleted product: stale', live(1, '2025-01-01T00:00:01.000Z'), tombstone(2), false],
    ['a re-creation after the deletion', live(1, '2025-01-01T00:00:09.000Z'), tombstone(2), true],
    ['a newer version over a tombstone', live(3, '2025-01-01T00:00:05.000Z'), tombstone(2), true],
  ])('%s -> %s', (_name, incoming, stored, expected) => {
    expect(supersedes(incoming, stored)).toBe(expected);
  });
});

// Product's catalog replay (`republish-catalog`, see apps/product/README.md) publishes `updated` with
// each product's current version, stamped with the time of the product's last write (to the second).
describe('supersedes, for a catalog replay', () => {
  const replay = (version: number, time: string) => catalogEntryFromEvent(productChanged('updated', { version }, time));

  it.each([
    ['the stored version again, stamped later than the stored state: no-op', replay(2, '2025-01-01T00:00:09.000Z'), live(2), false],
    ['the stored version again, stamped earlier than the stored state: no-op', replay(2, '2025-01-01T00:00:01.000Z'), live(2), false],
    ['a product basket never heard of: inserted', replay(3, '2025-01-01T00:00:05.000Z'), undefined, true],
    ['a version basket missed: applied', replay(3, '2025-01-01T00:00:05.000Z'), live(2), true],
    ['a version older than the stored one (basket is ahead): stale', replay(2, '2025-01-01T00:00:09.000Z'), live(3), false],
    ['the version a later deletion tombstoned, in the same second: stale', replay(2, '2025-01-01T00:00:05.000Z'), tombstone(2), false],
    ['the version a later deletion tombstoned, written before it: stale', replay(2, '2025-01-01T00:00:03.000Z'), tombstone(2), false],
    ['a re-created product written after the deletion: applied', replay(1, '2025-01-01T00:00:09.000Z'), tombstone(2), true],
  ])('%s -> %s', (_name, incoming, stored, expected) => {
    expect(supersedes(incoming, stored)).toBe(expected);
  });

  it('revives a tombstone of the same version when stamped after the deletion: why a replay carries the write time, not its own', () => {
    expect(supersedes(replay(2, '2025-01-01T00:00:06.000Z'), tombstone(2))).toBe(true);
  });
});
