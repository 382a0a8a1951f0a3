import { resolveCorrelationId } from './correlation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resolveCorrelationId', () => {
  it('takes the x-correlation-id header, whatever its case', () => {
    expect(resolveCorrelationId({ headers: { 'X-Correlation-Id': 'abc-123' }, requestContext: { requestId: 'r' } })).toBe('abc-123');
  });

  it("takes an event envelope's correlationId", () => {
    expect(resolveCorrelationId({ id: 'e', type: 'ProductChanged', correlationId: 'flow-9' })).toBe('flow-9');
  });

  it('falls back to the API Gateway request id', () => {
    expect(resolveCorrelationId({ headers: {}, requestContext: { requestId: 'req-42' } })).toBe('req-42');
  });

  it('ignores a header that is not a plain token', () => {
    expect(
      resolveCorrelationId({ headers: { 'x-correlation-id': 'evil\n{"level":"ERROR"}' }, requestContext: { requestId: 'req-7' } }),
    ).toBe('req-7');
  });

  it('makes a UUID when the event has none, and gives the same one for the same event', () => {
    const event = { Records: [] };
    const id = resolveCorrelationId(event);
    expect(id).toMatch(UUID);
    expect(resolveCorrelationId(event)).toBe(id);
    expect(resolveCorrelationId({ Records: [] })).not.toBe(id);
  });

  it('makes a UUID for non-object events', () => {
    expect(resolveCorrelationId(undefined)).toMatch(UUID);
  });
});
