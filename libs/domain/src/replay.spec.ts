import { REPLAY_TIME_RESERVE_MS, runIdsReplay, runWindowReplay, type ReplayFailure, type ReplayPage } from './replay';

class Interrupted extends Error {
  constructor(readonly failure: ReplayFailure) {
    super('interrupted');
  }
}

/** Items 0..count-1 read `limit` at a time; the cursor is the index of the next item. */
const source = (count: number) => {
  const reads: { cursor: string | undefined; limit: number }[] = [];
  const readPage = async (cursor: string | undefined, limit: number): Promise<ReplayPage<number>> => {
    reads.push({ cursor, limit });
    const start = cursor === undefined ? 0 : Number(cursor);
    const end = Math.min(start + limit, count);
    const items = Array.from({ length: end - start }, (_, index) => start + index);
    return end < count ? { items, nextCursor: String(end) } : { items };
  };
  return { reads, readPage };
};

const replayOf = (count: number, failOn?: number) => {
  const published: string[] = [];
  const { reads, readPage } = source(count);
  return {
    published,
    reads,
    options: {
      readPage,
      // Odd items have nothing to publish.
      eventOf: (item: number) => (item % 2 === 0 ? `event-${item}` : undefined),
      publish: async (event: string) => {
        if (event === `event-${failOn}`) throw new Error('SNS down');
        published.push(event);
      },
      interrupted: (failure: ReplayFailure) => new Interrupted(failure),
      pageSize: 4,
      remainingTimeMs: () => 60_000,
    },
  };
};

const failureOf = async (run: Promise<unknown>): Promise<ReplayFailure> => {
  const error = await run.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  if (!(error instanceof Interrupted)) throw new Error(`expected Interrupted, got ${String(error)}`);
  return error.failure;
};

describe('runWindowReplay', () => {
  it('reads page by page to the end, publishing the items that have an event and counting the others as skipped', async () => {
    const { options, published, reads } = replayOf(10);

    await expect(runWindowReplay(options)).resolves.toEqual({ published: 5, skipped: 5, notFound: [], stoppedBy: 'done' });
    expect(published).toEqual(['event-0', 'event-2', 'event-4', 'event-6', 'event-8']);
    expect(reads.map(({ cursor }) => cursor)).toEqual([undefined, '4', '8']);
  });

  it('stops before a page would start with less than the time reserve left, with the cursor to resume from', async () => {
    const { options, reads } = replayOf(20);
    const remaining = [REPLAY_TIME_RESERVE_MS, REPLAY_TIME_RESERVE_MS - 1];

    const result = await runWindowReplay({ ...options, remainingTimeMs: () => remaining.shift() ?? 0 });

    expect(result).toEqual({ published: 4, skipped: 4, notFound: [], nextCursor: '8', stoppedBy: 'time' });
    expect(reads).toHaveLength(2);
  });

  it('reads at least one page even with no time left, and honours a custom reserve', async () => {
    const { options, reads } = replayOf(20);

    await expect(runWindowReplay({ ...options, remainingTimeMs: () => 999, timeReserveMs: 1000 })).resolves.toMatchObject({
      nextCursor: '4',
      stoppedBy: 'time',
    });
    expect(reads).toHaveLength(1);
  });

  it('resumes from a cursor where the previous run stopped', async () => {
    const { options, published, reads } = replayOf(10);

    await expect(runWindowReplay({ ...options, cursor: '6' })).resolves.toEqual({
      published: 2,
      skipped: 2,
      notFound: [],
      stoppedBy: 'done',
    });
    expect(reads[0]).toEqual({ cursor: '6', limit: 4 });
    expect(published).toEqual(['event-6', 'event-8']);
  });

  it('stops once maxItems events are published, reading no more than is left of it, across resumes', async () => {
    const { options, reads } = replayOf(40);

    const first = await runWindowReplay({ ...options, maxItems: 3 });
    expect(first).toEqual({ published: 3, skipped: 2, notFound: [], nextCursor: '5', stoppedBy: 'max-items' });
    expect(reads.map(({ limit }) => limit)).toEqual([3, 1, 1]);

    const second = await runWindowReplay({ ...options, maxItems: 3, cursor: first.nextCursor });
    expect(second).toEqual({ published: 3, skipped: 3, notFound: [], nextCursor: '11', stoppedBy: 'max-items' });
    expect(reads.slice(3)).toEqual([
      { cursor: '5', limit: 3 },
      { cursor: '8', limit: 2 },
      { cursor: '10', limit: 1 },
    ]);
  });

  it('on a failed publish, throws with the cursor of the failing page and what is left of maxItems', async () => {
    const { options } = replayOf(20, 10);

    const failure = await failureOf(runWindowReplay({ ...options, maxItems: 9 }));

    expect(failure).toEqual({ published: 4, cursor: '8', maxItemsLeft: 5, cause: new Error('SNS down') });
  });

  it('on a failed first page of an unlimited run, throws with neither cursor nor maxItems', async () => {
    const { options } = replayOf(20, 2);

    const failure = await failureOf(runWindowReplay(options));

    expect(failure).toEqual({ published: 0, cause: new Error('SNS down') });
    expect(failure).not.toHaveProperty('cursor');
    expect(failure).not.toHaveProperty('maxItemsLeft');
  });
});

describe('runIdsReplay', () => {
  const byIds = (existing: readonly number[], failOn?: number) => {
    const { options, published } = replayOf(0, failOn);
    const reads: (readonly string[])[] = [];
    return {
      published,
      reads,
      options: {
        ...options,
        readByIds: async (ids: readonly string[]) => {
          reads.push(ids);
          return ids.map(Number).filter((id) => existing.includes(id));
        },
        idOf: (item: number) => String(item),
      },
    };
  };

  it('publishes the items of the distinct ids, page by page, and names the ids no item has', async () => {
    const { options, published, reads } = byIds([0, 1, 2, 4, 6]);

    const result = await runIdsReplay({ ...options, ids: ['0', '1', '2', '3', '2', '4', '5', '6'], pageSize: 3 });

    expect(result).toEqual({ published: 4, skipped: 1, notFound: ['3', '5'], stoppedBy: 'done' });
    expect(published).toEqual(['event-0', 'event-2', 'event-4', 'event-6']);
    expect(reads).toEqual([['0', '1', '2'], ['3', '4', '5'], ['6']]);
  });

  it('on a failed publish, throws with the ids from the failing page on', async () => {
    const { options } = byIds([0, 2, 4, 6], 4);

    const failure = await failureOf(runIdsReplay({ ...options, ids: ['0', '2', '4', '6'], pageSize: 2 }));

    expect(failure).toEqual({ published: 2, remainingIds: ['4', '6'], cause: new Error('SNS down') });
  });
});
