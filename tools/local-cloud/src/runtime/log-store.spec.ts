import { memoryLogger } from '../log';
import { correlationIdOfLine, keepingLines, LogStore } from './log-store';

describe('correlationIdOfLine', () => {
  it("reads Powertools' correlation_id of a JSON line, else the cid= of a local cloud line", () => {
    expect(correlationIdOfLine('{"level":"INFO","message":"placed","correlation_id":"c-1","orderId":"o"}')).toBe('c-1');
    expect(correlationIdOfLine('order:PlaceOrderFunction ok 12.0ms sqs×1 cid=c-2 req=r')).toBe('c-2');
    expect(correlationIdOfLine('order:PlaceOrderFunction ok 12.0ms invoke cid=- req=r')).toBeUndefined();
    expect(correlationIdOfLine('{"level":"INFO","message":"no id"}')).toBeUndefined();
    expect(correlationIdOfLine('{"correlation_id": broken')).toBeUndefined();
  });
});

describe('LogStore', () => {
  it('keeps the lines of one correlation id in order, across sources', () => {
    const store = new LogStore();
    store.add('http', 'POST /basket/checkout 202 cid=a');
    store.add('order:PlaceOrderFunction', '{"message":"placed","correlation_id":"a"}');
    store.add('http', 'GET /products 200 cid=b');
    store.add('λ', 'shipping:OnOrderConfirmedFunction ok cid=a');
    expect(store.byCorrelationId('a').map((line) => line.source)).toEqual(['http', 'order:PlaceOrderFunction', 'λ']);
    expect(store.byCorrelationId('nothing')).toEqual([]);
    expect(store.recent(2).map((line) => line.text)).toEqual(['GET /products 200 cid=b', 'shipping:OnOrderConfirmedFunction ok cid=a']);
  });

  it('is bounded: the oldest line goes, from the ring and from its id, and an id with no line left is forgotten', () => {
    const store = new LogStore({ maxLines: 3 });
    for (const id of ['a', 'a', 'b', 'c', 'a']) store.add('λ', `f ok cid=${id}`);
    expect(store.byCorrelationId('a').map((line) => line.seq)).toEqual([5]);
    expect(store.byCorrelationId('b').map((line) => line.seq)).toEqual([3]);
    expect(store.recent(10).map((line) => line.seq)).toEqual([3, 4, 5]);
    store.add('λ', 'f ok cid=d');
    expect(store.byCorrelationId('b')).toEqual([]);
    expect(store.stats()).toEqual({ kept: 3, correlationIds: 3, maxLines: 3 });
  });
});

describe('keepingLines', () => {
  it("keeps the local cloud's tagged lines that carry a cid= and prints every line as before", () => {
    const store = new LogStore();
    const printed = memoryLogger();
    const logger = keepingLines(printed, store);
    logger.line('http', 'GET /orders/1 200 cid=x');
    logger.line('sfn', 'saga started');
    logger.line('  order:Router', '{"correlation_id":"x","note":"cid=x"}');
    logger.info('ready');
    expect(store.byCorrelationId('x').map((line) => line.source)).toEqual(['http']);
    expect(printed.lines).toEqual([
      'http GET /orders/1 200 cid=x',
      'sfn saga started',
      '  order:Router {"correlation_id":"x","note":"cid=x"}',
      'info ready',
    ]);
  });
});
