import type { ProducerContracts } from '@shop/domain';
import { ProductChangedSchema } from './product-changed';

/**
 * What the product service publishes: the single source of its AsyncAPI document
 * (`nx run product-contracts:asyncapi`) and of its contract snapshot. Add a message here to publish it.
 */
export const PRODUCT_CONTRACTS = {
  service: 'product',
  description: 'The catalog: every create, update and delete of a product, relayed from the table stream (outbox) to the product topic.',
  channels: {
    productEvents: {
      kind: 'sns-topic',
      address: '/shop/{stage}/product/topic-arn',
      description: 'The product topic: catalog changes. Consumers subscribe their own SQS queue with a filter policy on `type`.',
      action: 'send',
      messages: [
        {
          schema: ProductChangedSchema,
          summary: 'A catalog product was created, updated or deleted (its last state for `deleted`).',
          attributes: { change: 'What happened: `created`, `updated` or `deleted` (the payload `data.change`).' },
        },
      ],
    },
  },
} as const satisfies ProducerContracts;
