import { randomUUID } from 'node:crypto';
import type { EventBusDef, EventTargetDef, RuleDef } from '../assembly/model';
import { DEFAULT_EVENT_BUS, eventBusArn, eventBusNameOf, functionNameOf, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../assembly/naming';
import type { Logger } from '../log';
import { compileEventPattern, type EventMatcher } from './event-pattern';
import { parseSchedule, type Schedule } from './schedule';
import { targetInput } from './target-input';

/** An event on a bus, in EventBridge's envelope. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601 to the second, as EventBridge writes it. */
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** How targets are reached: each call throws when the delivery fails (EventBridge then retries it). */
export interface TargetDelivery {
  /** Lambda's asynchronous invocation (accepted or refused at once; the function's own retries follow). */
  invokeAsync(functionName: string, payload: unknown, source: string): void;
  sendMessage(queueArn: string, body: string, options?: { messageGroupId?: string; attributes?: Record<string, string> }): Promise<void>;
  publish(topicArn: string, message: string): Promise<void>;
  startExecution(stateMachineArn: string, input: string): Promise<void>;
}

export interface EventBridgeDeps {
  delivery: TargetDelivery;
  logger: Logger;
  /** Multiplies the delays between delivery retries (1 s doubling up to 60 s); tests make it small. */
  retryDelayScale?: number;
  /**
   * How many times faster than real time the schedules run (`--schedule-speed`; default 1): each
   * rule's schedule clock starts at the rule's creation and runs this much faster, so at 60 a
   * `rate(1 minute)` fires every second and a `cron(0 * * * ? *)` once a real minute.
   */
  scheduleSpeed?: number;
  /**
   * IAM: may the rule deliver to this target (the target's resource policy, principal
   * `events.amazonaws.com`, SourceArn the rule)? The reason when it may not. Undefined: always.
   */
  targetRefusal?: (rule: RuleDef, target: EventTargetDef) => string | undefined;
}

/**
 * The error of a delivery the target's policy refused. EventBridge does not retry it: the event goes
 * to the target's dead-letter queue at once with ERROR_CODE NO_PERMISSIONS, or is dropped
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 */
const NO_PERMISSIONS = 'NO_PERMISSIONS';

/** One PutEvents entry as the API takes it. */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: string | number;
  EventBusName?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

interface RunningRule {
  def: RuleDef;
  matcher?: EventMatcher;
  schedule?: Schedule;
  /** When the rule was created (its rate's anchor and the start of its schedule clock). */
  createdAt: number;
  timer?: NodeJS.Timeout;
  nextFireAt?: number;
  matched: number;
  delivered: number;
  failed: number;
  deadLettered: number;
  dropped: number;
}

/** The largest PutEvents entry EventBridge takes (256 KB). */
const MAX_ENTRY_BYTES = 256 * 1024;
/** setTimeout's limit; a later firing re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * EventBridge on one machine: the default bus and named buses, rules with event patterns or
 * schedules, and their targets (Lambda asynchronously, SQS, SNS, Step Functions, another bus).
 * A delivery that fails is retried with backoff within the target's RetryPolicy
 * (MaximumRetryAttempts, MaximumEventAgeInSeconds), then goes to its DeadLetterConfig queue with
 * EventBridge's message attributes, or is dropped with a warning.
 */
export class EventBridge {
  private readonly rules = new Map<string, RunningRule>();
  private readonly buses = new Map<string, EventBusDef>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: EventBridgeDeps) {}

  /** Starts the rules (and buses) of one service's stacks; a rule whose pattern or schedule is invalid is named and skipped. */
  register(rules: RuleDef[], buses: EventBusDef[] = []): void {
    for (const bus of buses) this.buses.set(bus.name, bus);
    for (const def of rules) {
      const running: RunningRule = { def, createdAt: Date.now(), matched: 0, delivered: 0, failed: 0, deadLettered: 0, dropped: 0 };
      try {
        if (def.eventPattern !== undefined) running.matcher = compileEventPattern(def.eventPattern);
        if (def.scheduleExpression !== undefined) {
          if (def.eventBusName !== DEFAULT_EVENT_BUS) throw new Error('a schedule runs on the default bus only');
          running.schedule = parseSchedule(def.scheduleExpression, running.createdAt);
        }
        if (!running.matcher && !running.schedule) throw new Error('a rule needs an EventPattern or a ScheduleExpression');
      } catch (error) {
        this.deps.logger.warn(`rule ${def.stackName}/${def.logicalId} not started: ${(error as Error).message}`);
        continue;
      }
      for (const target of def.targets.filter((candidate) => candidate.kind === 'unsupported')) {
        this.deps.logger.warn(`rule ${def.name}: target ${target.id} (${target.arn}) is not emulated`);
      }
      this.rules.set(def.arn, running);
      if (def.enabled) this.arm(running);
    }
  }

  /** Stops the rules and forgets the buses of one service (before its new assembly is applied). */
  unregister(service: string): void {
    for (const [arn, running] of this.rules) {
      if (running.def.service !== service) continue;
      clearTimeout(running.timer);
      this.rules.delete(arn);
    }
    for (const [name, bus] of this.buses) if (bus.service === service) this.buses.delete(name);
  }

  /** The PutEvents API: each entry validated, matched against the rules of its bus and delivered in the background. */
  putEvents(entries: PutEventsEntry[]): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    const results = entries.map((entry): PutEventsResultEntry => {
      const problem = entryProblem(entry);
      if (problem) return { ErrorCode: problem.code, ErrorMessage: problem.message };
      const busName = eventBusNameOf(entry.EventBusName);
      if (busName !== DEFAULT_EVENT_BUS && !this.buses.has(busName)) {
        return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
      }
      const time = entry.Time === undefined ? new Date() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
      const event = this.emit(
        {
          source: String(entry.Source),
          'detail-type': String(entry.DetailType),
          detail: JSON.parse(String(entry.Detail)),
          resources: entry.Resources ?? [],
          time: Number.isNaN(time.getTime()) ? new Date() : time,
        },
        busName,
      );
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  /** Puts an event on a bus (AWS services' own events go to the default bus) and returns it. */
  emit(
    event: { source: string; 'detail-type': string; detail: unknown; resources?: string[]; time?: Date },
    busName = DEFAULT_EVENT_BUS,
  ): BusEvent {
    const full: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': event['detail-type'],
      source: event.source,
      account: LOCAL_ACCOUNT_ID,
      time: isoSeconds(event.time ?? new Date()),
      region: LOCAL_REGION,
      resources: event.resources ?? [],
      detail: event.detail,
    };
    this.route(full, busName);
    return full;
  }

  /** Fires a scheduled rule now, as its schedule would (tests and operators); throws for an unknown or pattern-only rule. */
  runRule(nameOrArn: string): BusEvent {
    const running = this.rules.get(nameOrArn) ?? [...this.rules.values()].find((candidate) => candidate.def.name === nameOrArn);
    if (!running) throw new RuleNotFoundError(nameOrArn);
    if (!running.schedule) throw new Error(`rule ${running.def.name} has no schedule (its pattern fires on matching events)`);
    return this.fire(running);
  }

  /** Rules, their targets and what happened to their events (for /_local/resources and /_local/rules). */
  describe() {
    return [...this.rules.values()].map((running) => ({
      name: running.def.name,
      arn: running.def.arn,
      service: running.def.service,
      eventBusName: running.def.eventBusName,
      state: running.def.enabled ? 'ENABLED' : 'DISABLED',
      eventPattern: running.def.eventPattern,
      scheduleExpression: running.def.scheduleExpression,
      nextFireAt: running.nextFireAt === undefined ? undefined : new Date(running.nextFireAt).toISOString(),
      targets: running.def.targets.map(({ id, arn, kind, maximumRetryAttempts, maximumEventAgeSeconds, deadLetterArn }) => ({
        id,
        arn,
        kind,
        maximumRetryAttempts,
        maximumEventAgeSeconds,
        deadLetterArn,
      })),
      counts: {
        matched: running.matched,
        delivered: running.delivered,
        failed: running.failed,
        deadLettered: running.deadLettered,
        dropped: running.dropped,
      },
    }));
  }

  listBuses(): { name: string; arn: string }[] {
    return [
      { name: DEFAULT_EVENT_BUS, arn: eventBusArn(DEFAULT_EVENT_BUS) },
      ...[...this.buses.values()].map(({ name, arn }) => ({ name, arn })),
    ];
  }

  /** Waits until no delivery is running or waiting for a retry (tests). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0 || this.retryTimers.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.retryTimers.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const running of this.rules.values()) clearTimeout(running.timer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  private arm(running: RunningRule): void {
    if (!running.schedule || this.stopped) return;
    const speed = this.deps.scheduleSpeed ?? 1;
    const anchor = running.createdAt;
    // The schedule's clock: real time from the rule's creation, `speed` times faster.
    const scheduled = running.schedule.nextAfter(anchor + (Date.now() - anchor) * speed);
    const next = scheduled === undefined ? undefined : anchor + (scheduled - anchor) / speed;
    running.nextFireAt = next;
    if (next === undefined) return;
    running.timer = setTimeout(
      () => {
        if (Date.now() >= next) this.fire(running, new Date(scheduled ?? next));
        this.arm(running);
      },
      Math.min(MAX_TIMER_MS, Math.max(0, next - Date.now())),
    );
  }

  /** Sends the rule's Scheduled Event; `time` is the moment its schedule names (now, for an on-demand run). */
  private fire(running: RunningRule, time = new Date()): BusEvent {
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT_ID,
      time: isoSeconds(time),
      region: LOCAL_REGION,
      resources: [running.def.arn],
      detail: {},
    };
    running.matched += 1;
    const ingestionTime = Date.now();
    for (const target of running.def.targets) this.deliver(running, target, event, ingestionTime, 0);
    return event;
  }

  private deliver(running: RunningRule, target: EventTargetDef, event: BusEvent, ingestionTime: number, retries: number): void {
    if (this.stopped) return;
    const attempt = this.send(running.def, target, event, ingestionTime).then(
      () => {
        running.delivered += 1;
      },
      (error: Error) => this.failed(running, target, event, ingestionTime, retries, error),
    );
    this.inFlight.add(attempt);
    void attempt.finally(() => this.inFlight.delete(attempt));
  }

  private async failed(
    running: RunningRule,
    target: EventTargetDef,
    event: BusEvent,
    ingestionTime: number,
    retries: number,
    error: Error,
  ): Promise<void> {
    running.failed += 1;
    const ageSeconds = (Date.now() - ingestionTime) / 1000;
    const exhausted =
      error.name === NO_PERMISSIONS
        ? 'NoRetry'
        : retries >= target.maximumRetryAttempts
          ? 'MaximumRetryAttemptsExhausted'
          : ageSeconds >= target.maximumEventAgeSeconds
            ? 'MaximumEventAgeExhausted'
            : undefined;
    const where = `rule ${running.def.name} target ${target.id}`;
    if (!exhausted) {
      const delay = Math.round(Math.min(60_000, 1000 * 2 ** retries) * (this.deps.retryDelayScale ?? 1));
      this.deps.logger.line(
        'events',
        `${where}: delivery failed (${error.name}: ${error.message}); retry ${retries + 1}/${target.maximumRetryAttempts} in ${delay} ms`,
      );
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.deliver(running, target, event, ingestionTime, retries + 1);
      }, delay);
      this.retryTimers.add(timer);
      return;
    }
    if (!target.deadLetterArn) {
      running.dropped += 1;
      this.deps.logger.warn(`${where}: event ${event.id} dropped (${exhausted}; the target has no dead-letter queue)`);
      return;
    }
    try {
      await this.deps.delivery.sendMessage(target.deadLetterArn, JSON.stringify(event), {
        attributes: {
          RULE_ARN: running.def.arn,
          TARGET_ARN: target.arn,
          ERROR_CODE: error.name,
          ERROR_MESSAGE: error.message,
          EXHAUSTED_RETRY_CONDITION: exhausted,
          RETRY_ATTEMPTS: String(retries),
        },
      });
      running.deadLettered += 1;
      this.deps.logger.line('events', `${where}: event ${event.id} sent to its dead-letter queue (${exhausted})`);
    } catch (dlqError) {
      running.dropped += 1;
      this.deps.logger.warn(`${where}: event ${event.id} dropped: its dead-letter queue refused it (${(dlqError as Error).message})`);
    }
  }

  private async send(rule: RuleDef, target: EventTargetDef, event: BusEvent, ingestionTime: number): Promise<void> {
    const refused = this.deps.targetRefusal?.(rule, target);
    if (refused) throw Object.assign(new Error(refused), { name: NO_PERMISSIONS });
    const input = targetInput(target, event as unknown as Record<string, unknown>, {
      ruleArn: rule.arn,
      ruleName: rule.name,
      ingestionTime,
    });
    switch (target.kind) {
      case 'lambda': {
        let payload: unknown = input;
        try {
          payload = JSON.parse(input);
        } catch {
          // A template may give plain text; Lambda gets it as a JSON string.
        }
        this.deps.delivery.invokeAsync(functionNameOf(target.arn), payload, `events ${rule.name}`);
        return;
      }
      case 'sqs':
        return this.deps.delivery.sendMessage(target.arn, input, { messageGroupId: target.messageGroupId });
      case 'sns':
        return this.deps.delivery.publish(target.arn, input);
      case 'states':
        return this.deps.delivery.startExecution(target.arn, input);
      case 'events': {
        const busName = eventBusNameOf(target.arn);
        if (busName !== DEFAULT_EVENT_BUS && !this.buses.has(busName)) {
          throw Object.assign(new Error(`Event bus ${busName} does not exist.`), { name: 'ResourceNotFoundException' });
        }
        // The event goes on unchanged (same id), as a cross-bus target does.
        queueMicrotask(() => this.route(event, busName));
        return;
      }
      default:
        throw Object.assign(new Error(`target ${target.arn} is not emulated locally`), { name: 'NotEmulated' });
    }
  }

  private route(event: BusEvent, busName: string): void {
    const ingestionTime = Date.now();
    for (const running of this.rules.values()) {
      if (!running.def.enabled || !running.matcher || running.def.eventBusName !== busName || !running.matcher(event)) continue;
      running.matched += 1;
      for (const target of running.def.targets) this.deliver(running, target, event, ingestionTime, 0);
    }
  }
}

/** A rule name or ARN that no loaded stack declares. */
export class RuleNotFoundError extends Error {
  constructor(nameOrArn: string) {
    super(`Rule ${nameOrArn} does not exist.`);
    this.name = 'ResourceNotFoundException';
  }
}

function entryProblem(entry: PutEventsEntry): { code: string; message: string } | undefined {
  if (typeof entry !== 'object' || entry === null) return { code: 'InvalidArgument', message: 'An entry must be an object.' };
  const required = (name: string) => ({
    code: 'InvalidArgument',
    message: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
  });
  if (!entry.Source || typeof entry.Source !== 'string') return required('Source');
  if (!entry.DetailType || typeof entry.DetailType !== 'string') return required('DetailType');
  if (typeof entry.Detail !== 'string') return required('Detail');
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { code: 'MalformedDetail', message: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    return { code: 'MalformedDetail', message: 'Detail is malformed.' };
  if (
    entry.Resources !== undefined &&
    (!Array.isArray(entry.Resources) || !entry.Resources.every((resource) => typeof resource === 'string'))
  ) {
    return { code: 'InvalidArgument', message: 'Parameter Resources is not valid.' };
  }
  if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES)
    return { code: 'InvalidArgument', message: 'Total size of the entry exceeds the 256 KB limit.' };
  return undefined;
}

const isoSeconds = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;
