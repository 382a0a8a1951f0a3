/**
 * Messaging journeys: commands put straight on the order service's intake queue (SQS SendMessage
 * against the local cloud's SQS endpoint, as basket does), to check what HTTP alone cannot:
 * a redelivered PlaceOrder and a poison message.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { api, localCloudCredentials, runId } from './support/http';
import {
  address,
  checkout,
  createProduct,
  localResources,
  putInBasket,
  settledOrder,
  stockOf,
  subOf,
  uniqueCustomer,
  uniqueSku,
  waitFor,
  type OrderPage,
  type Payment,
} from './support/shop';

let sqs: SQSClient;
let intakeUrl: string;
let intakeDlqUrl: string;

beforeAll(async () => {
  const resources = await localResources();
  sqs = new SQSClient({
    endpoint: resources.endpoints.AWS_ENDPOINT_URL_SQS,
    region: 'us-east-1',
    credentials: localCloudCredentials(),
  });
  const intake = resources.queues.find((queue) => queue.service === 'order' && /Intake/i.test(queue.name) && queue.redrive);
  if (!intake?.redrive)
    throw new Error(`no intake queue with a redrive policy among ${JSON.stringify(resources.queues.map((queue) => queue.name))}`);
  const dlqName = (JSON.parse(intake.redrive) as { deadLetterTargetArn: string }).deadLetterTargetArn.split(':').pop();
  const dlq = resources.queues.find((queue) => queue.name === dlqName);
  if (!dlq) throw new Error(`no queue named ${dlqName}`);
  intakeUrl = intake.url;
  intakeDlqUrl = dlq.url;
});

afterAll(() => sqs?.destroy());

const placeOrder = (input: { orderId: string; customerId: string; sku: string; quantity: number; price: number; id?: string }) => ({
  id: input.id ?? randomUUID(),
  type: 'PlaceOrder',
  version: 1,
  source: 'basket',
  time: new Date().toISOString(),
  correlationId: `e2e-${runId}-${input.orderId}`,
  data: {
    orderId: input.orderId,
    customerId: input.customerId,
    lines: [
      { sku: input.sku, name: `Journey item ${input.sku}`, quantity: input.quantity, unitPrice: { amount: input.price, currency: 'EUR' } },
    ],
    total: { amount: input.price * input.quantity, currency: 'EUR' },
    paymentToken: 'tok_approve',
    shippingAddress: address,
    placedAt: new Date().toISOString(),
  },
});

const send = (body: string, type = 'PlaceOrder') =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl: intakeUrl,
      MessageBody: body,
      MessageAttributes: {
        type: { DataType: 'String', StringValue: type },
        correlationId: { DataType: 'String', StringValue: `e2e-${runId}` },
      },
    }),
  );

describe('order intake queue', () => {
  it('places one order, one reservation and one charge for a PlaceOrder delivered more than once', async () => {
    const sku = uniqueSku('REDELIVER');
    await createProduct(sku, 300, 5);
    const customer = uniqueCustomer('redeliver');
    const orderId = randomUUID();
    const command = placeOrder({ orderId, customerId: await subOf(customer as `customer:${string}`), sku, quantity: 2, price: 300 });

    // the same message twice at once, then again later, and once more under another envelope id (a resend)
    await Promise.all([send(JSON.stringify(command)), send(JSON.stringify(command))]);
    await send(JSON.stringify(command));
    await send(JSON.stringify({ ...command, id: randomUUID() }));

    const order = await settledOrder(customer, orderId);
    expect(order.status).toBe('CONFIRMED');
    expect(order.statusHistory.map((entry) => entry.status)).toEqual(['PENDING', 'CONFIRMED']);
    // let the late copies be handled too before counting
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await api<OrderPage>('GET', '/orders', { as: customer })).body.items.map((item) => item.orderId)).toEqual([orderId]);
    expect(await stockOf(sku)).toEqual(expect.objectContaining({ available: 3, reserved: 2 }));
    expect((await api<Payment>('GET', `/payments/${orderId}`, { as: 'admin' })).body).toEqual(
      expect.objectContaining({ status: 'CAPTURED', attempts: 1, amount: { amount: 600, currency: 'EUR' } }),
    );
  });

  it('dead-letters a poison message after its retries while other checkouts keep flowing', async () => {
    // The template's 60 s visibility timeout would make 5 receives take minutes: shorten it on the
    // local queue for this test (the retry count, the redrive policy and the consumer are unchanged).
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: intakeUrl, AttributeNames: ['VisibilityTimeout'] }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: intakeUrl, Attributes: { VisibilityTimeout: '1' } }));
    try {
      const marker = `poison-${runId}-${randomUUID()}`;
      await send(
        JSON.stringify({ id: randomUUID(), type: 'PlaceOrder', version: 1, source: 'basket', marker, data: { orderId: 'not-a-uuid' } }),
      );

      const sku = uniqueSku('FLOW');
      await createProduct(sku, 100, 5);
      const customers = [uniqueCustomer('flow'), uniqueCustomer('flow')];
      const orderIds: string[] = [];
      for (const customer of customers) {
        await putInBasket(customer, sku, 1);
        orderIds.push(await checkout(customer, 'tok_approve'));
      }
      for (const [n, orderId] of orderIds.entries()) expect((await settledOrder(customers[n], orderId)).status).toBe('CONFIRMED');

      const deadLettered = await waitFor(
        'the poison message in the intake DLQ',
        async () => {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: intakeDlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 1 }),
          );
          return Messages.find((message) => message.Body?.includes(marker));
        },
        (message) => message !== undefined,
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      // only the redrive policy (maxReceiveCount 5) moves a message to the DLQ: it was retried first
      expect(deadLettered?.Body).toContain(marker);
      if (deadLettered?.ReceiptHandle)
        await sqs.send(new DeleteMessageCommand({ QueueUrl: intakeDlqUrl, ReceiptHandle: deadLettered.ReceiptHandle }));
    } finally {
      await sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: intakeUrl, Attributes: { VisibilityTimeout: Attributes?.VisibilityTimeout ?? '60' } }),
      );
    }
  }, 60_000);
});
