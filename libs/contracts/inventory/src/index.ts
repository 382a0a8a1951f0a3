/**
 * @shop/inventory-contracts: the inventory service's saga commands (`ReserveStock`, `ReleaseStock`:
 * inputs and results) and the typed error names the saga routes on: `OutOfStockError` (business,
 * caught) and `StockContentionError` (transient, retried).
 */
export * from './stock-commands';
export * from './errors';
