/** The services with an HTTP API (each has a document in `src/generated/`). */
export const API_SERVICES = ['product', 'basket', 'order', 'inventory', 'payment', 'shipping'] as const;

/** A service with an HTTP API. */
export type ApiService = (typeof API_SERVICES)[number];
