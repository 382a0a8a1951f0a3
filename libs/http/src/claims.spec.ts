import { ForbiddenError, UnauthorizedError } from '@shop/domain';
import { assertCallerInGroup, callerFromEvent, parseGroups } from './claims';

const restEvent = (claims?: Record<string, unknown>) => ({
  requestContext: { authorizer: claims ? { claims } : null },
});

describe('parseGroups', () => {
  it.each([
    ['admin', ['admin']],
    ['admin,editors', ['admin', 'editors']],
    ['[admin editors]', ['admin', 'editors']],
    [
      ['admin', 'editors'],
      ['admin', 'editors'],
    ],
    ['', []],
    [undefined, []],
  ])('reads %j as %j', (value, groups) => {
    expect(parseGroups(value)).toEqual(groups);
  });
});

describe('callerFromEvent', () => {
  it('reads sub, groups, username and email from REST authorizer claims', () => {
    expect(
      callerFromEvent(restEvent({ sub: 'u-1', 'cognito:groups': 'admin', 'cognito:username': 'ada', email: 'ada@example.com' })),
    ).toEqual({ sub: 'u-1', groups: ['admin'], username: 'ada', email: 'ada@example.com' });
  });

  it('reads HTTP API JWT claims', () => {
    expect(callerFromEvent({ requestContext: { authorizer: { jwt: { claims: { sub: 'u-2', 'cognito:groups': ['x'] } } } } })).toEqual({
      sub: 'u-2',
      groups: ['x'],
    });
  });

  it('is undefined for an anonymous request', () => {
    expect(callerFromEvent(restEvent())).toBeUndefined();
    expect(callerFromEvent(restEvent({ email: 'no-sub@example.com' }))).toBeUndefined();
  });
});

describe('assertCallerInGroup', () => {
  it('returns the caller when in the group', () => {
    expect(assertCallerInGroup(restEvent({ sub: 'u-1', 'cognito:groups': 'editors,admin' }), 'admin').sub).toBe('u-1');
  });

  it('throws UnauthorizedError without a caller', () => {
    expect(() => assertCallerInGroup(restEvent(), 'admin')).toThrow(UnauthorizedError);
  });

  it('throws ForbiddenError for a caller in another group', () => {
    expect(() => assertCallerInGroup(restEvent({ sub: 'u-1', 'cognito:groups': 'customers' }), 'admin')).toThrow(ForbiddenError);
  });
});
