/** The services with an HTTP API, each with its base path on the shop's API domain (its document's server). */
export const SERVICE_BASE_PATHS = {
  product: '/products',
  basket: '/basket',
  order: '/orders',
  inventory: '/inventory',
  payment: '/payments',
  shipping: '/shipments',
} as const;

/** A service with an HTTP API. */
export type ApiService = keyof typeof SERVICE_BASE_PATHS;

/** Every service with an HTTP API. */
export const API_SERVICES = Object.keys(SERVICE_BASE_PATHS) as ApiService[];
