/**
 * @shop/shipping-contracts: the shipment type and the `ShipmentCreated` event the shipping service
 * publishes on its topic (`/shop/<stage>/shipping/topic-arn`).
 */
export * from './shipment-created';
export * from './producer';
