/**
 * @shop/inventory-contracts: the inventory service's saga commands (`ReserveStock`, `ReleaseStock`:
 * inputs and results) and the typed error name `OutOfStockError` the saga's Catch routes on.
 */
export * from './stock-commands';
export * from './errors';
