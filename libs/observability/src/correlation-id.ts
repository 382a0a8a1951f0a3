/** HTTP header that carries the correlation id in and out of every service. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

const VALID_CORRELATION_ID = /^[\w.:-]{1,128}$/;
const resolved = new WeakMap<object, string>();

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const validId = (value: unknown): string | undefined => (typeof value === 'string' && VALID_CORRELATION_ID.test(value) ? value : undefined);

/** The value of a header, whatever its case (API Gateway keeps the client's casing). */
export const headerValue = (headers: unknown, name: string): string | undefined => {
  if (!isRecord(headers)) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return undefined;
};

const findCorrelationId = (event: unknown): string | undefined => {
  if (!isRecord(event)) return undefined;
  return (
    // An HTTP request that continues a caller's flow.
    validId(headerValue(event.headers, CORRELATION_ID_HEADER)) ??
    // An event envelope (`@shop/domain`) that carries the flow's id.
    validId(event.correlationId) ??
    // A fresh API Gateway request: its request id ties our logs to API Gateway's.
    (isRecord(event.requestContext) ? validId(event.requestContext.requestId) : undefined)
  );
};

/**
 * The correlation id of an incoming event: the `x-correlation-id` header, else the envelope's
 * `correlationId`, else the API Gateway request id, else a new UUID. Values that are not a
 * plain token (max 128 chars of letters, digits, `_.:-`) are ignored so logs cannot be forged.
 * The result is remembered per event object, so every caller (middleware, router) gets the same id.
 */
export const resolveCorrelationId = (event: unknown): string => {
  if (isRecord(event)) {
    const known = resolved.get(event);
    if (known) return known;
  }
  const id = findCorrelationId(event) ?? globalThis.crypto.randomUUID();
  if (isRecord(event)) resolved.set(event, id);
  return id;
};
