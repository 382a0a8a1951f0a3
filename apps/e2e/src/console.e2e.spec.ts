/**
 * The local console (/_local/console) in a real headless Chromium: an order checked out through
 * the API is found in every view (services/try-it, the orders table, the queue view with a DLQ
 * redrive, the execution graph, the logs followed by its correlation id), and the IAM view lists every role. Screenshots go to
 * dist/apps/e2e/console/.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SCREENSHOTS } from './support/browser';
import { api, baseUrl, controlSecret, localCloudCredentials, runId } from './support/http';
import {
  address,
  createProduct,
  localResources,
  putInBasket,
  settledOrder,
  subOf,
  uniqueCustomer,
  uniqueSku,
  waitFor,
} from './support/shop';

interface QueueState {
  name: string;
  depth: number;
  inFlight: number;
  deadLetterOf: string[];
}

let browser: Browser;
let page: Page;

// Chromium's first start on a busy two-core machine (three test tasks at a time) took over 30 s in CI.
beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(15_000);
}, 90_000);

afterAll(async () => {
  await browser?.close();
});

const localJson = async <T>(localPath: string): Promise<T> => (await fetch(`${baseUrl()}${localPath}`)).json() as Promise<T>;

/** Opens a view of the console and waits until it has rendered. */
async function open(view: string): Promise<void> {
  await page.goto(`${baseUrl()}/_local/console#/${view}`);
  await page.waitForSelector('main[data-ready]');
}

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('the local console', () => {
  it('shows one checked-out order in every view: try-it, its table item, a DLQ redrive, its execution graph, its logs across hops', async () => {
    // An order through the API, with a correlation id of our own.
    const sku = uniqueSku('CONSOLE');
    await createProduct(sku, 1500, 5);
    const customer = uniqueCustomer('console');
    await putInBasket(customer, sku, 2);
    const correlationId = `console-${runId}-${randomUUID().slice(0, 8)}`;
    const placed = await api<{ orderId: string }>('POST', '/basket/checkout', {
      as: customer,
      body: { paymentToken: 'tok_approve', shippingAddress: address },
      headers: { 'Idempotency-Key': randomUUID(), 'x-correlation-id': correlationId },
    });
    expect(placed.status).toBe(202);
    const { orderId } = placed.body;
    const order = await settledOrder(customer, orderId);
    expect(order.status).toBe('CONFIRMED');
    await waitFor(
      'the shipment',
      () => api('GET', `/shipments/${orderId}`, { as: customer }),
      (answer) => answer.status === 200,
    );

    // The secret, as the ready line's link hands it over (try-it mints tokens, redrive moves messages):
    // kept in the tab, dropped from the address.
    await page.goto(`${baseUrl()}/_local/console#secret=${encodeURIComponent(controlSecret())}`);
    await page.waitForSelector('main[data-ready]');
    expect(await page.inputValue('#secret')).toBe(controlSecret());
    expect(page.url()).not.toContain('secret');

    // services: routes (the gateway's: {proxy+} to the router), the OpenAPI document (or how to make it), try-it as the customer.
    const orderCard = page.locator('section.service[data-service="order"]');
    expect(await orderCard.locator('td code', { hasText: '/orders/{proxy+}' }).count()).toBeGreaterThan(0);
    const openapi = orderCard.locator('.openapi');
    // dist/apps/order/openapi.json is written with the assemblies (nx run-many -t synth openapi): its document and operations show.
    await openapi.locator('button', { hasText: 'Show OpenAPI document' }).click();
    await openapi.locator('li', { hasText: '/orders/' }).first().waitFor();
    expect(await openapi.innerText()).toMatch(/OpenAPI 3\.1/);
    await page.selectOption('select[name=caller]', 'customer');
    await page.fill('input[name=customer]', customer.slice('customer:'.length));
    await page.selectOption('select[name=method]', 'GET');
    await page.fill('input[name=path]', `/orders/${orderId}`);
    await page.click('form.try-it button[type=submit]');
    await page.waitForSelector('.try-result [data-status]');
    expect(await page.getAttribute('.try-result [data-status]', 'data-status')).toBe('200');
    expect(await page.innerText('.try-result .response-body')).toContain(orderId);
    await shot('services');

    // tables: the orders table, paged until the order's item shows.
    const tables = await localJson<{ service: string; tableName: string }[]>('/_local/tables');
    const ordersTable = tables.find((table) => table.service === 'order');
    if (!ordersTable) throw new Error(`no table of the order service among ${tables.map((table) => table.tableName).join(', ')}`);
    await open('tables');
    await page.click(`a[href="#/tables/${ordersTable.tableName}"]`);
    await page.waitForSelector('table.items');
    for (let pageNumber = 1; !(await page.innerText('table.items')).includes(orderId); pageNumber++) {
      if (pageNumber > 200 || (await page.isDisabled('button.next-page')))
        throw new Error(`order ${orderId} is on no page of ${ordersTable.tableName}`);
      await page.click('button.next-page');
      await page.waitForSelector(`p.page[data-page="${pageNumber + 1}"]`);
    }
    await page.locator('tr.item', { hasText: orderId }).first().scrollIntoViewIfNeeded();
    await shot('table');

    // queues: the order's PlaceOrder in the intake queue's DLQ, peeked, then redriven and consumed (once: the order stays one).
    const resources = await localResources();
    const queues = await localJson<QueueState[]>('/_local/queues');
    const intakeDlq = queues.find((queue) => queue.deadLetterOf.some((name) => /Intake/i.test(name)));
    if (!intakeDlq) throw new Error(`no dead-letter queue of the intake queue among ${queues.map((queue) => queue.name).join(', ')}`);
    const intakeName = intakeDlq.deadLetterOf[0];
    const sqs = new SQSClient({
      endpoint: resources.endpoints.AWS_ENDPOINT_URL_SQS,
      region: 'us-east-1',
      credentials: localCloudCredentials(),
    });
    try {
      const dlqUrl = resources.queues.find((queue) => queue.name === intakeDlq.name)?.url;
      const command = {
        id: randomUUID(),
        type: 'PlaceOrder',
        version: 1,
        source: 'basket',
        time: new Date().toISOString(),
        correlationId,
        data: {
          orderId,
          customerId: await subOf(customer as `customer:${string}`),
          lines: order.lines,
          total: order.total,
          paymentToken: 'tok_approve',
          shippingAddress: address,
          placedAt: new Date().toISOString(),
        },
      };
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: JSON.stringify(command),
          MessageAttributes: {
            type: { DataType: 'String', StringValue: 'PlaceOrder' },
            correlationId: { DataType: 'String', StringValue: correlationId },
          },
        }),
      );
    } finally {
      sqs.destroy();
    }
    await open('queues');
    // Other suites may have left dead letters of their own there: only ours is looked for.
    const dlqRow = page.locator(`tr.queue[data-queue="${intakeDlq.name}"]`);
    expect(Number(await dlqRow.locator('.depth').innerText())).toBeGreaterThanOrEqual(1);
    expect(await dlqRow.locator('.message-body', { hasText: orderId }).count()).toBe(1);
    await dlqRow.scrollIntoViewIfNeeded();
    await shot('queues');
    const placeOrderRuns = async () =>
      (await localJson<{ lines: { text: string }[] }>(`/_local/logs?correlationId=${encodeURIComponent(correlationId)}`)).lines.filter(
        (line) => line.text.startsWith('order:PlaceOrderFunction ok'),
      ).length;
    expect(await placeOrderRuns()).toBe(1);
    await dlqRow.locator('button.redrive').click();
    await page.waitForSelector('.redrive-result');
    expect(await page.innerText('.redrive-result')).toMatch(
      new RegExp(`^moved [1-9]\\d* message\\(s\\) from ${intakeDlq.name} back to ${intakeName}$`),
    );
    // Consumed: order's PlaceOrder ran a second time on it (the λ line carries its correlation id), and it is in neither queue.
    await waitFor('the redriven PlaceOrder to be consumed', placeOrderRuns, (runs) => runs === 2);
    const states = await localJson<(QueueState & { messages: { body: string }[] })[]>('/_local/queues');
    expect(
      states
        .filter((queue) => queue.name === intakeName || queue.name === intakeDlq.name)
        .flatMap((queue) => queue.messages.filter((message) => message.body.includes(orderId))),
    ).toEqual([]);
    expect((await api('GET', `/orders/${orderId}`, { as: customer })).body).toEqual(
      expect.objectContaining({ orderId, status: 'CONFIRMED' }),
    );

    // executions: the saga's path drawn, visited states highlighted, each step's input and output.
    const executions = await localJson<{ executionArn: string; name: string }[]>('/_local/executions');
    let executionArn: string | undefined;
    for (const execution of executions.reverse()) {
      const detail = await localJson<{ input: string }>(`/_local/executions/${encodeURIComponent(execution.executionArn)}`);
      if (detail.input.includes(orderId)) {
        executionArn = execution.executionArn;
        break;
      }
    }
    if (!executionArn) throw new Error(`no execution has order ${orderId} in its input`);
    await open(`executions/${encodeURIComponent(executionArn)}`);
    for (const state of ['ReserveStock', 'ChargePayment', 'ConfirmOrder']) {
      expect(await page.getAttribute(`svg.graph g.node[data-state="${state}"]`, 'data-status')).toBe('visited');
    }
    expect(await page.locator('svg.graph g.node[data-status="not-visited"]').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.graph path.edge.taken').count()).toBeGreaterThanOrEqual(2);
    expect(await page.innerText('tr.step[data-state="ReserveStock"]')).toContain(orderId);
    await shot('execution');
    // The viewport alone (the README's picture, docs/console.png, is one of these).
    await page.setViewportSize({ width: 1200, height: 720 });
    await page.locator('header').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'execution-viewport.png') });
    await page.setViewportSize({ width: 1400, height: 900 });

    // logs: the correlation id followed from checkout (basket) through the order saga to the shipment.
    await open(`logs/${encodeURIComponent(correlationId)}`);
    const rows = await page.locator('tr.log-line').allInnerTexts();
    // A service's functions show as the source of their own lines and on the local cloud's λ lines (`order:PlaceOrderFunction ok ...`).
    for (const service of ['basket', 'order', 'inventory', 'payment', 'shipping']) {
      expect(rows.filter((row) => row.includes(`${service}:`))).not.toHaveLength(0);
    }
    expect(await page.locator('tr.log-line[data-source="http"]').count()).toBeGreaterThan(0);
    // The hops in the order they happened: checkout, intake, the saga's three tasks, the shipment.
    const hops = [
      'basket:RouterFunction',
      'order:PlaceOrderFunction',
      'ReserveStock',
      'ChargePayment',
      'ConfirmOrder',
      'shipping:OnOrderConfirmedFunction',
    ];
    const firstRowOf = hops.map((hop) => rows.findIndex((row) => row.includes(hop)));
    expect(firstRowOf.every((index) => index >= 0)).toBe(true);
    expect([...firstRowOf].sort((a, b) => a - b)).toEqual(firstRowOf);
    await shot('logs');

    // iam: one row per role of the loaded stacks (GET /_local/iam), each with its grants never used.
    const iam = await localJson<{ roles: { roleArn: string }[] }>('/_local/iam');
    expect(iam.roles.length).toBeGreaterThan(0);
    await page.goto(`${baseUrl()}/_local/console#/iam`);
    await page.waitForSelector('main[data-ready="iam"]');
    expect(await page.locator('tr.role').count()).toBe(iam.roles.length);
    await shot('iam');
  }, 120_000);
});
