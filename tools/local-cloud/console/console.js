// The local cloud's console: plain JavaScript, no dependency, served by the local cloud itself
// (/_local/console). Every view reads the JSON endpoints under /_local/ (tools/local-cloud/README.md, "Console").
// Routing by the URL's fragment: #/services, #/tables[/<name>], #/queues, #/executions[/<arn>], #/logs[/<correlation id>], #/iam.

const SECRET_KEY = 'local-cloud-secret';
const view = document.getElementById('view');

/** An element with attributes (`on<event>` for listeners) and children (strings become text: nothing is parsed as HTML). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat())
    if (child !== undefined && child !== null) element.append(child instanceof Node ? child : String(child));
  return element;
}

const pretty = (value) => {
  if (typeof value !== 'string') return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
};

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  return { status: response.status, body };
}

function secret() {
  return sessionStorage.getItem(SECRET_KEY) ?? '';
}

/** A change to the local cloud (POST under /_local/): it needs the control secret. */
async function postLocal(path, body) {
  if (!secret()) throw new Error('paste the control secret (cat .local-cloud/control-secret) in the field at the top right first');
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-cloud-secret': secret() },
    body: JSON.stringify(body ?? {}),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${answer.message ?? ''}`);
  return answer;
}

const logsLink = (correlationId) => h('a', { href: `#/logs/${encodeURIComponent(correlationId)}`, class: 'cid' }, correlationId);

function render(...children) {
  view.replaceChildren(...children);
}

// ---- services: routes, OpenAPI documents, try-it ----

async function servicesView() {
  const [routes, documents] = await Promise.all([getJson('/_local/routes'), getJson('/_local/openapi')]);
  const form = tryItForm();
  const cards = routes.body.map(({ service, basePath, methods }) => {
    const document = documents.body.find((entry) => entry.service === service);
    const docArea = h('div', { class: 'openapi', 'data-service': service });
    if (document?.document) {
      docArea.append(h('button', { type: 'button', onclick: () => showDocument(service, docArea, form) }, 'Show OpenAPI document'));
    } else {
      docArea.append(h('p', { class: 'muted' }, `no document: run nx run ${service}:openapi`));
    }
    return h(
      'section',
      { class: 'card service', 'data-service': service },
      h('h3', {}, service, ' ', h('code', { class: 'muted' }, `/${basePath}`)),
      docArea,
      h(
        'details',
        {},
        h('summary', {}, `routes as the gateway mounts them (${methods.length})`),
        h(
          'table',
          {},
          h('tr', {}, h('th', {}, 'method'), h('th', {}, 'path'), h('th', {}, 'auth'), h('th', {})),
          methods.map(({ httpMethod, resourcePath, authorizationType }) => {
            const path = `/${basePath}${resourcePath === '/' ? '' : resourcePath}`;
            return h(
              'tr',
              {},
              h('td', {}, h('code', {}, httpMethod)),
              h('td', {}, h('code', {}, path)),
              h('td', {}, authorizationType === 'COGNITO_USER_POOLS' ? 'Cognito ID token' : authorizationType),
              h('td', {}, h('button', { type: 'button', onclick: () => form.fill(httpMethod, path) }, 'try')),
            );
          }),
        ),
      ),
    );
  });
  render(h('h2', {}, 'Services'), h('section', { class: 'card' }, h('h3', {}, 'Try it'), form.element), ...cards);
}

async function showDocument(service, area, form) {
  const { status, body } = await getJson(`/_local/openapi/${service}`);
  if (status !== 200) {
    area.replaceChildren(h('p', { class: 'bad' }, body.message ?? `answered ${status}`));
    return;
  }
  const operations = Object.entries(body.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
      .map(([method, operation]) =>
        h(
          'li',
          {},
          h('code', {}, `${method.toUpperCase()} ${path}`),
          ' ',
          operation.summary ?? '',
          ' ',
          h('button', { type: 'button', onclick: () => form.fill(method.toUpperCase(), path) }, 'try'),
        ),
      ),
  );
  area.replaceChildren(
    h('p', {}, `OpenAPI ${body.openapi ?? '?'}: ${body.info?.title ?? service} ${body.info?.version ?? ''}`),
    h('ul', {}, operations),
    h('details', {}, h('summary', {}, 'the document'), h('pre', {}, JSON.stringify(body, null, 2))),
  );
}

function tryItForm() {
  const caller = h(
    'select',
    { name: 'caller' },
    h('option', { value: 'customer' }, 'a customer'),
    h('option', { value: 'admin' }, 'the admin'),
    h('option', { value: 'anonymous' }, 'anonymous (no token)'),
  );
  const customer = h('input', { name: 'customer', value: 'alice', size: 16 });
  const method = h(
    'select',
    { name: 'method' },
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((name) => h('option', {}, name)),
  );
  const path = h('input', { name: 'path', value: '/products', size: 60 });
  const body = h('textarea', { name: 'body', placeholder: '{ "json": "body" }' });
  const result = h('div', { class: 'try-result' });
  const send = async (event) => {
    event.preventDefault();
    result.replaceChildren(h('p', { class: 'muted' }, 'sending…'));
    try {
      const headers = { accept: 'application/json' };
      if (caller.value !== 'anonymous') {
        const username = caller.value === 'admin' ? 'console-admin' : customer.value.trim() || 'alice';
        const { token } = await postLocal('/_local/tokens', { username, groups: caller.value === 'admin' ? ['admin'] : [] });
        headers.authorization = `Bearer ${token}`;
      }
      if (body.value.trim()) headers['content-type'] = 'application/json';
      const response = await fetch(path.value, { method: method.value, headers, body: body.value.trim() ? body.value : undefined });
      const text = await response.text();
      const correlationId = response.headers.get('x-correlation-id');
      result.replaceChildren(
        h(
          'p',
          {},
          h('strong', { class: response.ok ? 'good' : 'bad', 'data-status': response.status }, `${response.status} ${response.statusText}`),
          correlationId ? [' · logs of this request: ', logsLink(correlationId)] : '',
        ),
        h('pre', { class: 'response-body' }, pretty(text)),
      );
    } catch (error) {
      result.replaceChildren(h('p', { class: 'bad' }, error.message));
    }
  };
  const element = h(
    'form',
    { class: 'try-it', onsubmit: send },
    h('label', {}, 'as'),
    h('span', {}, caller, ' ', customer),
    h('label', {}, 'request'),
    h('span', {}, method, ' ', path),
    h('label', {}, 'body'),
    body,
    h('span', {}),
    h('span', {}, h('button', { type: 'submit' }, 'Send')),
  );
  return {
    element: h('div', {}, element, result),
    fill(httpMethod, routePath) {
      method.value = httpMethod === 'ANY' || httpMethod === '$default' ? 'GET' : httpMethod; // an HTTP API's $default route takes any method
      path.value = routePath.replace(/\{proxy\+\}/, '');
      path.focus();
    },
  };
}

// ---- tables, paged ----

async function tablesView() {
  const { body } = await getJson('/_local/tables');
  render(
    h('h2', {}, 'Tables'),
    h(
      'table',
      {},
      h('tr', {}, h('th', {}, 'table'), h('th', {}, 'service'), h('th', {}, 'keys'), h('th', {}, 'indexes'), h('th', {}, 'stream')),
      body.map((table) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/tables/${encodeURIComponent(table.tableName)}` }, table.tableName)),
          h('td', {}, table.service),
          h('td', {}, table.keySchema.map((key) => `${key.AttributeName} (${key.KeyType})`).join(', ')),
          h('td', {}, table.indexes.join(', ')),
          h('td', {}, table.streamViewType ?? ''),
        ),
      ),
    ),
  );
}

async function tableView(name, cursors) {
  const start = cursors[cursors.length - 1];
  const { status, body } = await getJson(`/_local/tables/${encodeURIComponent(name)}?limit=25${start ? `&start=${start}` : ''}`);
  if (status !== 200) return render(h('p', { class: 'bad' }, body.message ?? `answered ${status}`));
  const keys = body.keySchema.map((key) => key.AttributeName);
  const cell = (value) => (typeof value === 'string' ? value : h('pre', {}, JSON.stringify(value, null, 2)));
  render(
    h('h2', {}, h('a', { href: '#/tables' }, 'Tables'), ' / ', name),
    h(
      'p',
      { class: 'page', 'data-page': cursors.length },
      `page ${cursors.length} · ${body.items.length} items `,
      h(
        'button',
        { type: 'button', disabled: cursors.length === 1, onclick: () => tableView(name, cursors.slice(0, -1)) },
        'Previous page',
      ),
      ' ',
      h(
        'button',
        { type: 'button', class: 'next-page', disabled: !body.next, onclick: () => tableView(name, [...cursors, body.next]) },
        'Next page',
      ),
    ),
    h(
      'table',
      { class: 'items' },
      h(
        'tr',
        {},
        keys.map((key) => h('th', {}, key)),
        h('th', {}, 'item'),
      ),
      body.items.map((item) => {
        const rest = Object.fromEntries(Object.entries(item).filter(([key]) => !keys.includes(key)));
        return h(
          'tr',
          { class: 'item' },
          keys.map((key) => h('td', {}, cell(item[key]))),
          h(
            'td',
            {},
            typeof item.correlationId === 'string' ? ['logs: ', logsLink(item.correlationId)] : '',
            h('pre', {}, JSON.stringify(rest, null, 2)),
          ),
        );
      }),
    ),
  );
}

// ---- queues: depth, in flight, messages, redrive ----

async function queuesView(notice) {
  const { body } = await getJson('/_local/queues');
  render(
    h('h2', {}, 'Queues'),
    notice ?? '',
    h('p', { class: 'muted' }, 'Messages are peeked without receiving them (fauxqs inspection): they keep their place and receive count.'),
    h(
      'table',
      { class: 'queues' },
      h(
        'tr',
        {},
        ['queue', 'service', 'ready', 'in flight', 'delayed', 'dead-letter queue', 'messages'].map((title) => h('th', {}, title)),
      ),
      body.map((queue) =>
        h(
          'tr',
          { class: 'queue', 'data-queue': queue.name },
          h(
            'td',
            {},
            h('code', {}, queue.name),
            queue.deadLetterOf.length ? h('div', { class: 'muted' }, `dead-letter queue of ${queue.deadLetterOf.join(', ')}`) : '',
          ),
          h('td', {}, queue.service),
          h('td', { class: 'depth' }, String(queue.depth)),
          h('td', {}, String(queue.inFlight)),
          h('td', {}, String(queue.delayed)),
          h(
            'td',
            {},
            queue.deadLetterQueue ? `${queue.deadLetterQueue.name} (after ${queue.deadLetterQueue.maxReceiveCount} receives)` : '',
          ),
          h(
            'td',
            {},
            queue.deadLetterOf.length === 1 && queue.depth > 0
              ? h(
                  'button',
                  { type: 'button', class: 'redrive', onclick: () => redriveQueue(queue.name) },
                  `Redrive to ${queue.deadLetterOf[0]}`,
                )
              : '',
            queue.messages.map((message) =>
              h(
                'details',
                { open: queue.deadLetterOf.length > 0 },
                h(
                  'summary',
                  {},
                  `${message.messageId.slice(0, 8)} ${message.inFlight ? 'in flight' : 'ready'} · received ${message.receiveCount}× · ${message.sentAt}`,
                ),
                h('pre', { class: 'message-body' }, pretty(message.body)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

async function redriveQueue(name) {
  try {
    const result = await postLocal(`/_local/queues/${encodeURIComponent(name)}/redrive`);
    await queuesView(
      h('p', { class: 'good redrive-result' }, `moved ${result.moved} message(s) from ${result.deadLetterQueue} back to ${result.source}`),
    );
  } catch (error) {
    await queuesView(h('p', { class: 'bad redrive-result' }, error.message));
  }
}

// ---- executions: the path drawn from the definition and the history ----

async function executionsView() {
  const { body } = await getJson('/_local/executions');
  const executions = [...body].sort((a, b) => String(b.startDate).localeCompare(String(a.startDate)));
  render(
    h('h2', {}, 'Executions'),
    h(
      'table',
      {},
      h('tr', {}, h('th', {}, 'execution'), h('th', {}, 'status'), h('th', {}, 'started'), h('th', {}, 'stopped')),
      executions.map((execution) =>
        h(
          'tr',
          { class: 'execution' },
          h('td', {}, h('a', { href: `#/executions/${encodeURIComponent(execution.executionArn)}` }, execution.name)),
          h('td', { class: execution.status === 'SUCCEEDED' ? 'good' : execution.status === 'RUNNING' ? '' : 'bad' }, execution.status),
          h('td', {}, execution.startDate),
          h('td', {}, execution.stopDate ?? ''),
        ),
      ),
    ),
  );
}

async function executionView(arn) {
  const [{ status, body: execution }, { body: machines }] = await Promise.all([
    getJson(`/_local/executions/${encodeURIComponent(arn)}`),
    getJson('/_local/state-machines'),
  ]);
  if (status !== 200) return render(h('p', { class: 'bad' }, execution.message ?? `answered ${status}`));
  const machine = machines.find((candidate) => candidate.arn === execution.stateMachineArn);
  const steps = stepsOf(execution.events);
  const correlationId = /"correlationId":"([^"]+)"/.exec(execution.input ?? '')?.[1];
  render(
    h('h2', {}, h('a', { href: '#/executions' }, 'Executions'), ' / ', execution.name),
    h(
      'p',
      {},
      h('strong', { class: execution.status === 'SUCCEEDED' ? 'good' : 'bad' }, execution.status),
      ` · ${machine?.name ?? execution.stateMachineArn}`,
      execution.error ? ` · ${execution.error}` : '',
      correlationId ? [' · logs: ', logsLink(correlationId)] : '',
    ),
    h(
      'div',
      { class: 'graph-area' },
      machine ? drawGraph(machine.definition, execution.path) : h('p', { class: 'muted' }, 'state machine not loaded'),
      h(
        'p',
        { class: 'legend muted' },
        'green: visited · red: failed · orange: caught · blue: running · dashed: a Catch · bold: the transitions this execution took',
      ),
    ),
    h(
      'div',
      {},
      h(
        'table',
        { class: 'steps' },
        h('tr', {}, h('th', {}, 'step'), h('th', {}, 'input'), h('th', {}, 'output')),
        steps.map((step) =>
          h(
            'tr',
            { class: 'step', 'data-state': step.name },
            h(
              'td',
              {},
              h('strong', {}, step.name),
              h('div', { class: 'muted' }, step.type),
              step.error ? h('div', { class: 'bad' }, step.error) : '',
            ),
            h('td', {}, h('pre', {}, pretty(step.input ?? ''))),
            h('td', {}, h('pre', {}, pretty(step.output ?? ''))),
          ),
        ),
      ),
    ),
  );
}

/** Each state entered, with its input, its output once it exited and the error of a failed task. */
function stepsOf(events) {
  const steps = [];
  for (const event of events) {
    if (event.stateEnteredEventDetails) {
      steps.push({
        name: event.stateEnteredEventDetails.name,
        type: event.type.replace(/StateEntered$/, ''),
        input: event.stateEnteredEventDetails.input,
      });
    } else if (event.stateExitedEventDetails) {
      const step = [...steps]
        .reverse()
        .find((candidate) => candidate.name === event.stateExitedEventDetails.name && candidate.output === undefined);
      if (step) step.output = event.stateExitedEventDetails.output;
    } else if (/Failed$/.test(event.type) && steps.length) {
      const details = Object.entries(event).find(([key]) => key.endsWith('FailedEventDetails'))?.[1];
      if (details?.error) steps[steps.length - 1].error = details.error;
    }
  }
  return steps;
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

/** The transitions out of a state: Next, Default, each Choice, each Catch (dashed). */
function transitionsOf(state) {
  const out = [];
  if (state.Next) out.push({ to: state.Next, kind: 'next' });
  if (state.Default) out.push({ to: state.Default, kind: 'next' });
  for (const choice of state.Choices ?? []) if (choice.Next) out.push({ to: choice.Next, kind: 'next' });
  for (const handler of state.Catch ?? []) if (handler.Next) out.push({ to: handler.Next, kind: 'catch' });
  return out;
}

/**
 * The state machine as an SVG graph: states in rows by their distance from StartAt, the path of
 * the execution highlighted (visited, failed, caught, running) and its transitions drawn bold.
 */
function drawGraph(definition, path) {
  const states = definition.States ?? {};
  const level = new Map([[definition.StartAt, 0]]);
  const queue = [definition.StartAt];
  while (queue.length) {
    const name = queue.shift();
    for (const { to } of transitionsOf(states[name] ?? {})) {
      if (!level.has(to) && states[to]) {
        level.set(to, level.get(name) + 1);
        queue.push(to);
      }
    }
  }
  for (const name of Object.keys(states)) if (!level.has(name)) level.set(name, Math.max(0, ...level.values()) + 1);
  const rows = new Map();
  for (const [name, depth] of level) rows.set(depth, [...(rows.get(depth) ?? []), name]);
  const [width, height, gapX, gapY] = [190, 30, 20, 44];
  const widest = Math.max(...[...rows.values()].map((row) => row.length));
  const position = new Map();
  for (const [depth, row] of rows) {
    const offset = ((widest - row.length) * (width + gapX)) / 2;
    row.forEach((name, index) => position.set(name, { x: 10 + offset + index * (width + gapX), y: 10 + depth * (height + gapY) }));
  }
  const statusOf = new Map();
  for (const step of path ?? [])
    statusOf.set(step.state, step.status === 'succeeded' || step.status === 'retried' ? 'visited' : step.status);
  const taken = new Set((path ?? []).slice(1).map((step, index) => `${path[index].state}→${step.state}`));
  const [svgWidth, svgHeight] = [20 + widest * (width + gapX), 20 + rows.size * (height + gapY)];
  // Drawn at its natural size, scaled down (viewBox) to the page's width when the widest row does not fit.
  const svg = s('svg', {
    class: 'graph',
    viewBox: `0 0 ${svgWidth} ${svgHeight}`,
    width: svgWidth,
    height: svgHeight,
    role: 'img',
    'aria-label': 'the execution path',
  });
  svg.append(
    s(
      'defs',
      {},
      s(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' },
        s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#9aa4b1' }),
      ),
    ),
  );
  for (const [name, state] of Object.entries(states)) {
    const from = position.get(name);
    for (const { to, kind } of transitionsOf(state)) {
      const target = position.get(to);
      if (!target) continue;
      const [x1, y1, x2, y2] = [from.x + width / 2, from.y + height, target.x + width / 2, target.y];
      const d =
        y2 > y1
          ? `M${x1},${y1} L${x2},${y2}`
          : `M${from.x + width},${from.y + height / 2} C${from.x + width + 40},${y1} ${target.x + width + 40},${y2} ${target.x + width},${target.y + height / 2}`;
      svg.append(s('path', { d, class: `edge ${kind}${taken.has(`${name}→${to}`) ? ' taken' : ''}` }));
    }
  }
  for (const [name, state] of Object.entries(states)) {
    const { x, y } = position.get(name);
    const status = statusOf.get(name);
    svg.append(
      s(
        'g',
        { class: `node${status ? ` ${status}` : ''}`, 'data-state': name, 'data-status': status ?? 'not-visited' },
        s('rect', { x, y, width, height, rx: 6 }),
        s('text', { x: x + 8, y: y + 19 }, `${name.length > 21 ? `${name.slice(0, 20)}…` : name}`),
        s('text', { x: x + width - 8, y: y + 19, 'text-anchor': 'end', fill: '#6b7480' }, state.Type),
      ),
    );
  }
  return svg;
}

// ---- logs followed by correlation id ----

async function logsView(correlationId) {
  const input = h('input', {
    name: 'correlationId',
    value: correlationId ?? '',
    size: 48,
    placeholder: 'correlation id (x-correlation-id)',
  });
  const form = h(
    'form',
    { onsubmit: (event) => (event.preventDefault(), (location.hash = `#/logs/${encodeURIComponent(input.value.trim())}`)) },
    input,
    ' ',
    h('button', { type: 'submit' }, 'Follow'),
  );
  const { body } = correlationId
    ? await getJson(`/_local/logs?correlationId=${encodeURIComponent(correlationId)}`)
    : await getJson('/_local/logs?limit=200');
  const sources = [...new Set(body.lines.map((line) => line.source))];
  render(
    h('h2', {}, 'Logs', correlationId ? [' of ', h('code', {}, correlationId)] : ' (latest)'),
    form,
    h(
      'p',
      { class: 'muted' },
      correlationId
        ? `${body.lines.length} lines from ${sources.length} sources: ${sources.join(', ')}`
        : `${body.kept} lines kept (${body.maxLines} at most), the last ${body.lines.length} shown; a line's correlation id follows it across hops`,
    ),
    h(
      'table',
      { class: 'logs' },
      h('tr', {}, h('th', {}, 'time'), h('th', {}, 'source'), h('th', {}, 'line')),
      body.lines.map((line) => {
        const parsed = parseLine(line.text);
        return h(
          'tr',
          { class: 'log-line', 'data-source': line.source },
          h('td', {}, new Date(line.time).toISOString().slice(11, 23)),
          h('td', {}, h('code', {}, line.source)),
          h(
            'td',
            {},
            parsed
              ? [
                  h('strong', { class: parsed.level === 'ERROR' ? 'bad' : '' }, `${parsed.level ?? ''} `),
                  parsed.message ?? '',
                  h('details', {}, h('summary', { class: 'muted' }, 'fields'), h('pre', {}, JSON.stringify(parsed, null, 2))),
                ]
              : h('code', {}, line.text),
            !correlationId && line.correlationId ? [' ', logsLink(line.correlationId)] : '',
          ),
        );
      }),
    ),
  );
}

function parseLine(text) {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---- routing ----

// ---- IAM: per role the grants never used, and every denial (GET /_local/iam) ----

async function iamView() {
  const { body } = await getJson('/_local/iam');
  const denials = body.denials ?? [];
  render(
    h('h2', {}, 'IAM'),
    h(
      'p',
      { class: 'muted' },
      'What the templates grant each role, what the run used, and what it denied. A grant never used is a candidate for removal (or a comment naming the path that needs it).',
    ),
    h('h3', {}, `Denials (${denials.length})`),
    denials.length
      ? h(
          'table',
          { class: 'iam-denials' },
          h(
            'tr',
            {},
            ['count', 'mode', 'principal', 'action', 'resource', 'why'].map((title) => h('th', {}, title)),
          ),
          denials.map((denial) =>
            h(
              'tr',
              { class: 'denial' },
              h('td', {}, String(denial.count)),
              h('td', {}, denial.mode),
              h('td', {}, h('code', {}, denial.principal)),
              h('td', {}, h('code', {}, denial.action)),
              h('td', {}, h('code', {}, denial.resource)),
              h('td', {}, denial.explanation),
            ),
          ),
        )
      : h('p', {}, 'No call was denied.'),
    h('h3', {}, `Roles (${body.roles.length})`),
    h(
      'table',
      { class: 'iam-roles' },
      h(
        'tr',
        {},
        ['role', 'runs', 'used', 'granted, never used', 'not observed here'].map((title) => h('th', {}, title)),
      ),
      body.roles.map((role) =>
        h(
          'tr',
          { class: 'role', 'data-role': role.roleArn },
          h('td', {}, h('code', {}, role.roleArn.split('/').pop()), h('div', { class: 'muted' }, `${role.stack}/${role.logicalId}`)),
          h('td', {}, role.principals.join(', ')),
          h('td', {}, actionList(role.used)),
          h('td', { class: role.unused.length ? 'bad unused' : 'unused' }, actionList(role.unused)),
          h('td', { class: 'muted' }, actionList(role.notObserved)),
        ),
      ),
    ),
  );
}

const actionList = (actions) =>
  actions.length > 6
    ? h('details', {}, h('summary', {}, `${actions.length} actions`), h('code', {}, actions.join(' ')))
    : h('code', {}, actions.join(' '));

async function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const [name, ...rest] = hash.split('/');
  const argument = rest.join('/');
  for (const link of document.querySelectorAll('header nav a')) link.classList.toggle('active', link.dataset.view === (name || 'services'));
  try {
    if (name === 'tables') await (argument ? tableView(argument, [undefined]) : tablesView());
    else if (name === 'queues') await queuesView();
    else if (name === 'executions') await (argument ? executionView(argument) : executionsView());
    else if (name === 'logs') await logsView(argument || undefined);
    else if (name === 'iam') await iamView();
    else await servicesView();
    view.dataset.ready = name || 'services';
  } catch (error) {
    render(h('p', { class: 'bad' }, `could not load this view: ${error.message}`));
  }
}

// The ready line of `npm start` links to `/_local/console#secret=<control secret>`: the fragment
// never reaches a server; the secret goes to this tab's sessionStorage and the address drops it.
if (location.hash.startsWith('#secret=')) {
  sessionStorage.setItem(SECRET_KEY, decodeURIComponent(location.hash.slice('#secret='.length)).trim());
  history.replaceState(null, '', `${location.pathname}${location.search}#/services`);
}
const secretInput = document.getElementById('secret');
secretInput.value = secret();
secretInput.addEventListener('change', () => sessionStorage.setItem(SECRET_KEY, secretInput.value.trim()));
document.getElementById('secret-form').addEventListener('submit', (event) => event.preventDefault());
window.addEventListener('hashchange', () => {
  delete view.dataset.ready;
  route();
});
route();
