import * as inventoryContracts from '@shop/inventory-contracts';
import * as orderContracts from '@shop/order-contracts';
import * as paymentContracts from '@shop/payment-contracts';
import * as productContracts from '@shop/product-contracts';
import * as shippingContracts from '@shop/shipping-contracts';
import * as z from 'zod';
import { PRODUCERS } from './producers';

/** The names of a module's exports that are event envelope schemas (`eventEnvelopeSchema(type, version, data)`). */
const envelopeExports = (module: Readonly<Record<string, unknown>>): string[] =>
  Object.entries(module)
    .filter(
      ([, value]) =>
        value instanceof z.core.$ZodObject &&
        value._zod.def.shape.type instanceof z.core.$ZodLiteral &&
        value._zod.def.shape.version instanceof z.core.$ZodLiteral &&
        'data' in value._zod.def.shape &&
        'correlationId' in value._zod.def.shape,
    )
    .map(([name]) => name)
    .sort();

const declaredSchemas = (service: string): unknown[] =>
  Object.values(PRODUCERS[service]?.channels ?? {}).flatMap((channel) => channel.messages.map((message) => message.schema));

const MODULES: ReadonlyArray<readonly [string, Readonly<Record<string, unknown>>]> = [
  ['product', productContracts],
  ['order', orderContracts],
  ['shipping', shippingContracts],
  ['inventory', inventoryContracts],
  ['payment', paymentContracts],
];

describe("every envelope a contracts project exports is in its producer's declaration (so in its AsyncAPI document and the check)", () => {
  it('finds the envelope schemas among the exports', () => {
    expect(envelopeExports(orderContracts)).toEqual([
      'OrderCancelledSchema',
      'OrderConfirmedSchema',
      'OrderNeedsAttentionSchema',
      'PlaceOrderSchema',
    ]);
    expect(envelopeExports(inventoryContracts)).toEqual([]);
  });

  it.each(MODULES)('%s: none left out', (service, module) => {
    const declared = declaredSchemas(service);
    expect(envelopeExports(module).filter((name) => !declared.includes(module[name]))).toEqual([]);
  });
});
