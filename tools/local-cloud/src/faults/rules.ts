import * as z from 'zod';

/** The AWS services whose calls pass the front door and can be made to fail. */
export const FAULT_SERVICES = ['dynamodb', 'sqs', 'sns'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

/** Most calls or invocations one rule may fail: a rule is a test's tool, never a permanent outage. */
export const MAX_FAULT_COUNT = 1000;
/** Longest time a rule may stay active. */
export const MAX_FAULT_SECONDS = 600;
/** Most rules kept at once (spent ones included, so that a test can still read their hits). */
export const MAX_FAULT_RULES = 100;

const name = z.string().trim().min(1).max(256);
const bounds = {
  count: z.number().int().min(1).max(MAX_FAULT_COUNT).optional(),
  seconds: z.number().positive().max(MAX_FAULT_SECONDS).optional(),
};

const awsRule = z.strictObject({
  kind: z.literal('aws'),
  service: z.enum(FAULT_SERVICES),
  /** Operation names as in the API reference (`PutItem`, `SendMessage`, `Publish`); every operation when absent. */
  operations: z
    .array(z.string().regex(/^[A-Z][A-Za-z0-9]+$/, 'an operation name such as PutItem'))
    .min(1)
    .max(50)
    .optional(),
  /** Substring of the table name, the queue URL (or name) or the topic ARN; every resource when absent. */
  resource: name.optional(),
  error: z.enum(['unavailable', 'throttle']),
  ...bounds,
});

const functionRule = z.strictObject({
  kind: z.literal('function'),
  /** Substring of the function's name (`shop-local-payment-ChargePayment…`) or label (`payment:ChargePaymentFunction`). */
  function: name,
  mode: z.enum(['crash-after', 'timeout-after', 'crash-before']),
  ...bounds,
});

const executionRule = z.strictObject({
  kind: z.literal('execution'),
  /** Substring of the state machine's name or ARN. */
  stateMachine: name,
  /** A Task state: the execution stops once it completed successfully, before the next state. */
  afterState: name,
  action: z.literal('stop'),
  ...bounds,
});

const faultRule = z
  .discriminatedUnion('kind', [awsRule, functionRule, executionRule])
  .transform((rule) => (rule.kind === 'execution' && rule.count === undefined && rule.seconds === undefined ? { ...rule, count: 1 } : rule))
  .refine((rule) => rule.count !== undefined || rule.seconds !== undefined, {
    message: `count (at most ${MAX_FAULT_COUNT}) or seconds (at most ${MAX_FAULT_SECONDS}) is required`,
    path: ['count'],
  });

/** A fault rule as posted to `/_local/faults`. */
export type FaultRule = z.output<typeof faultRule>;
export type AwsFaultRule = Extract<FaultRule, { kind: 'aws' }>;
export type FunctionFaultRule = Extract<FaultRule, { kind: 'function' }>;
export type ExecutionFaultRule = Extract<FaultRule, { kind: 'execution' }>;

/** Why a rule was refused: the field at fault and, for a target that matches nothing, what exists. */
export interface RuleProblem {
  message: string;
  field: string;
  available?: string[];
}

export type ParsedRule = { ok: true; rule: FaultRule } | { ok: false; problem: RuleProblem };

/** Parses a rule's JSON body: every field checked, unknown fields refused. */
export function parseFaultRule(body: unknown): ParsedRule {
  const result = faultRule.safeParse(body);
  if (result.success) return { ok: true, rule: result.data };
  const issue = result.error.issues[0];
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = [...issue.path, ...keys.slice(0, 1)].join('.') || 'kind';
  const message = issue.code === 'unrecognized_keys' ? `unknown field ${keys.join(', ')}` : issue.message;
  return { ok: false, problem: { message: `${field}: ${message}`, field } };
}

/** What the loaded assemblies run, for telling a rule that matches nothing apart from one that does. */
export interface FaultTargets {
  tables(): string[];
  queues(): { name: string; url: string }[];
  topics(): string[];
  functions(): { name: string; label: string }[];
  stateMachines(): { name: string; arn: string; taskStates: string[] }[];
  /** The service's operation names (from the SDK's commands). */
  operations(service: FaultService): Promise<string[]>;
}

/** Refuses a rule whose target matches nothing that runs, listing what exists. */
export async function checkTargets(rule: FaultRule, targets: FaultTargets): Promise<RuleProblem | undefined> {
  const none = (field: string, what: string, available: string[]): RuleProblem => ({
    message: `${field}: ${what}`,
    field,
    available: [...new Set(available)].sort(),
  });
  switch (rule.kind) {
    case 'aws': {
      if (rule.operations) {
        const known = await targets.operations(rule.service);
        const unknown = rule.operations.filter((operation) => !known.includes(operation));
        if (unknown.length > 0) return none('operations', `${unknown.join(', ')} is not a ${rule.service} operation`, known);
      }
      if (rule.resource === undefined) return undefined;
      const resource = rule.resource;
      const candidates =
        rule.service === 'dynamodb'
          ? targets.tables()
          : rule.service === 'sqs'
            ? targets.queues().map((queue) => queue.url)
            : targets.topics();
      if (candidates.some((candidate) => candidate.includes(resource))) return undefined;
      const kind = { dynamodb: 'table', sqs: 'queue', sns: 'topic' }[rule.service];
      return none(
        'resource',
        `"${resource}" matches no ${kind}`,
        rule.service === 'sqs' ? targets.queues().map((queue) => queue.name) : candidates,
      );
    }
    case 'function': {
      const functions = targets.functions();
      if (functions.some((fn) => matchesFunction(rule.function, fn))) return undefined;
      return none(
        'function',
        `"${rule.function}" matches no function name or label`,
        functions.map((fn) => fn.label),
      );
    }
    case 'execution': {
      const machines = targets.stateMachines().filter((machine) => matchesMachine(rule.stateMachine, machine));
      if (machines.length === 0)
        return none(
          'stateMachine',
          `"${rule.stateMachine}" matches no state machine`,
          targets.stateMachines().map((machine) => machine.name),
        );
      if (machines.some((machine) => machine.taskStates.includes(rule.afterState))) return undefined;
      return none(
        'afterState',
        `"${rule.afterState}" is no Task state of ${machines.map((machine) => machine.name).join(', ')}`,
        machines.flatMap((machine) => machine.taskStates),
      );
    }
  }
}

export const matchesFunction = (pattern: string, fn: { name: string; label: string }) =>
  fn.name.includes(pattern) || fn.label.includes(pattern);
export const matchesMachine = (pattern: string, machine: { name: string; arn: string }) =>
  machine.name.includes(pattern) || machine.arn.includes(pattern);
