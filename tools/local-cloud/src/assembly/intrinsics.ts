import { physicalAttribute, physicalName, physicalRef, type PhysicalContext } from './physical';
import { LOCAL_ACCOUNT_ID, LOCAL_PARTITION, LOCAL_REGION, LOCAL_URL_SUFFIX, stableUuid } from './naming';
import { isObject, type CfnTemplate } from './template';

/** A value that cannot be worked out locally (an SSM parameter nobody publishes, an import, a secret). */
export class UnresolvedError extends Error {
  override name = 'UnresolvedError';
}

/** Looks an SSM parameter up by name across every loaded stack. */
export type SsmLookup = (name: string) => string | undefined;

/**
 * Looks a cross-stack export up by its `Export.Name` across every loaded stack (`importer`: the
 * stack that asks, for the error). Throws {@link UnresolvedError} naming a missing export.
 */
export type ExportLookup = (name: string, importer: string) => unknown;

export interface StackResolverOptions {
  stackName: string;
  template: CfnTemplate;
  /** Base URL of the local SQS endpoint: queue URLs (`Ref` of a queue) are built on it. */
  sqsEndpoint: string;
  ssm: SsmLookup;
  /** `Fn::ImportValue`: the exports of every loaded stack (absent: every import is unresolved). */
  exports?: ExportLookup;
  /** Values for template parameters, by parameter name (win over defaults). */
  parameterOverrides?: Record<string, string>;
}

/** Marker for `AWS::NoValue`: removed from the object or list that holds it. */
const NO_VALUE = Symbol('AWS::NoValue');

const SSM_PARAMETER_TYPE = /^AWS::SSM::Parameter::Value<(.+)>$/;
const DYNAMIC_REFERENCE = /\{\{resolve:([a-z-]+):([^}]+)\}\}/g;
const AVAILABILITY_ZONES = ['a', 'b', 'c'].map((z) => `${LOCAL_REGION}${z}`);

/**
 * Resolves CloudFormation intrinsic functions of one stack the way CloudFormation would when it
 * deploys that stack into the local account: Ref, Fn::GetAtt, Fn::Join, Fn::Sub (both forms),
 * Fn::Select, Fn::Split, Fn::If and the condition functions, Fn::FindInMap, Fn::Base64, Fn::GetAZs,
 * pseudo parameters, template parameters (SSM-typed ones from the SSM parameters other stacks
 * publish), `Fn::ImportValue` (the exports of the loaded stacks) and `{{resolve:ssm:...}}` dynamic references.
 */
export class StackResolver {
  readonly stackName: string;
  readonly template: CfnTemplate;
  private readonly options: StackResolverOptions;
  private readonly conditionCache = new Map<string, boolean>();
  private readonly conditionsInProgress = new Set<string>();
  private readonly physicalNameCache = new Map<string, string>();

  constructor(options: StackResolverOptions) {
    this.options = options;
    this.stackName = options.stackName;
    this.template = options.template;
  }

  /** Resolves every intrinsic inside `value`; throws {@link UnresolvedError} for what cannot be resolved. */
  resolve(value: unknown): unknown {
    const resolved = this.resolveValue(value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /**
   * Like {@link resolve}, but a part that cannot be resolved becomes `<unresolved: reason>` and the
   * reason is handed to `onUnresolved` (the caller lists it at start-up).
   */
  resolveLenient(value: unknown, onUnresolved: (reason: string) => void): unknown {
    try {
      return this.resolve(value);
    } catch (error) {
      if (!(error instanceof UnresolvedError)) throw error;
      if (Array.isArray(value)) return value.map((item) => this.resolveLenient(item, onUnresolved));
      if (isObject(value) && !isIntrinsic(value)) {
        const out: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) {
          const resolved = this.resolveLenient(item, onUnresolved);
          if (resolved !== undefined) out[key] = resolved;
        }
        return out;
      }
      onUnresolved(error.message);
      return `<unresolved: ${error.message}>`;
    }
  }

  /** Whether a resource is part of the deployed stack (its `Condition`, if any, holds). */
  isActive(logicalId: string): boolean {
    const condition = this.template.Resources[logicalId]?.Condition;
    return condition === undefined || this.condition(condition);
  }

  /** One property of a resource, resolved; undefined when absent. */
  property(logicalId: string, name: string): unknown {
    const raw = this.template.Resources[logicalId]?.Properties?.[name];
    return raw === undefined ? undefined : this.resolve(raw);
  }

  /** The physical name of a resource in the local account. */
  physicalName(logicalId: string): string {
    let name = this.physicalNameCache.get(logicalId);
    if (name === undefined) {
      name = physicalName(this.physicalContext(logicalId));
      this.physicalNameCache.set(logicalId, name);
    }
    return name;
  }

  ref(name: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT_ID;
      case 'AWS::Partition':
        return LOCAL_PARTITION;
      case 'AWS::URLSuffix':
        return LOCAL_URL_SUFFIX;
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stack/${this.stackName}/${stableUuid(this.stackName)}`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    if (this.template.Parameters?.[name]) return this.parameter(name);
    const resource = this.template.Resources[name];
    if (!resource) throw new Error(`Ref to unknown name "${name}" in stack ${this.stackName}`);
    if (!this.isActive(name)) throw new UnresolvedError(`Ref to ${name}, which its condition leaves out`);
    return physicalRef(this.physicalContext(name));
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`Fn::GetAtt of unknown resource "${logicalId}" in stack ${this.stackName}`);
    if (!this.isActive(logicalId)) throw new UnresolvedError(`Fn::GetAtt of ${logicalId}, which its condition leaves out`);
    return physicalAttribute(this.physicalContext(logicalId), attribute);
  }

  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new Error(`Unknown condition "${name}" in stack ${this.stackName}`);
    if (this.conditionsInProgress.has(name)) throw new Error(`Condition "${name}" refers to itself`);
    this.conditionsInProgress.add(name);
    try {
      const value = this.resolveValue(expression);
      if (typeof value !== 'boolean') throw new Error(`Condition "${name}" is not a boolean`);
      this.conditionCache.set(name, value);
      return value;
    } finally {
      this.conditionsInProgress.delete(name);
    }
  }

  private parameter(name: string): unknown {
    const definition = this.template.Parameters?.[name];
    if (!definition) throw new Error(`Unknown parameter ${name}`);
    const supplied = this.options.parameterOverrides?.[name] ?? definition.Default;
    if (supplied === undefined) throw new UnresolvedError(`template parameter ${name} has no value`);
    const ssmType = SSM_PARAMETER_TYPE.exec(definition.Type);
    if (ssmType) {
      const parameterName = String(supplied);
      const value = this.options.ssm(parameterName);
      if (value === undefined) throw new UnresolvedError(`SSM parameter ${parameterName} is published by no loaded stack`);
      return ssmType[1].includes('List') ? value.split(',') : value;
    }
    if (definition.Type === 'CommaDelimitedList' || definition.Type.startsWith('List<')) {
      return Array.isArray(supplied)
        ? supplied
        : String(supplied)
            .split(',')
            .map((item) => item.trim());
    }
    return definition.Type === 'Number' ? Number(supplied) : supplied;
  }

  private physicalContext(logicalId: string): PhysicalContext {
    const resource = this.template.Resources[logicalId];
    return {
      stackName: this.stackName,
      logicalId,
      type: resource.Type,
      sqsEndpoint: this.options.sqsEndpoint,
      property: (name) => {
        const raw = resource.Properties?.[name];
        return raw === undefined ? undefined : this.resolve(raw);
      },
    };
  }

  private resolveValue(value: unknown): unknown {
    if (typeof value === 'string') return this.resolveDynamicReferences(value);
    if (Array.isArray(value)) {
      return value.map((item) => this.resolveValue(item)).filter((item) => item !== NO_VALUE);
    }
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && isIntrinsicKey(keys[0])) return this.intrinsic(keys[0], value[keys[0]]);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = this.resolveValue(item);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg)
          ? [String(arg[0]), String(this.resolveValue(arg[1]))]
          : splitOnce(String(arg), '.');
        return this.getAtt(logicalId, attribute);
      }
      case 'Fn::Join': {
        const [delimiter, list] = expectArray(fn, arg, 2);
        const items = this.resolveList(fn, list);
        return items.map((item) => scalarToString(fn, item)).join(String(delimiter));
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Select': {
        const [index, list] = expectArray(fn, arg, 2);
        const items = this.resolveList(fn, list);
        const position = Number(this.resolveValue(index));
        if (!Number.isInteger(position) || position < 0 || position >= items.length) {
          throw new Error(`Fn::Select index ${position} is out of range (${items.length} items)`);
        }
        return items[position];
      }
      case 'Fn::Split': {
        const [delimiter, source] = expectArray(fn, arg, 2);
        return String(this.resolveValue(source)).split(String(delimiter));
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = expectArray(fn, arg, 3);
        return this.condition(String(condition)) ? this.resolveValue(whenTrue) : this.resolveValue(whenFalse);
      }
      case 'Fn::Equals': {
        const [left, right] = expectArray(fn, arg, 2);
        return JSON.stringify(this.resolveValue(left)) === JSON.stringify(this.resolveValue(right));
      }
      case 'Fn::And':
        return expectArray(fn, arg).every((item) => this.resolveValue(item) === true);
      case 'Fn::Or':
        return expectArray(fn, arg).some((item) => this.resolveValue(item) === true);
      case 'Fn::Not':
        return this.resolveValue(expectArray(fn, arg, 1)[0]) !== true;
      case 'Condition':
        return this.condition(String(arg));
      case 'Fn::FindInMap': {
        const [map, top, second] = expectArray(fn, arg).map((item) => String(this.resolveValue(item)));
        const value = this.template.Mappings?.[map]?.[top]?.[second];
        if (value === undefined) throw new Error(`Fn::FindInMap ${map}/${top}/${second} not found`);
        return value;
      }
      case 'Fn::Base64':
        return Buffer.from(String(this.resolveValue(arg))).toString('base64');
      case 'Fn::GetAZs':
        return AVAILABILITY_ZONES;
      case 'Fn::ImportValue': {
        const name = this.resolveValue(arg);
        if (typeof name !== 'string') throw new Error(`Fn::ImportValue expects an export name, got ${JSON.stringify(name)}`);
        if (!this.options.exports) throw new UnresolvedError(`Fn::ImportValue ${name}: no stack exports are loaded`);
        return this.options.exports(name, this.stackName);
      }
      default:
        throw new UnresolvedError(`${fn} is not supported locally`);
    }
  }

  private resolveList(fn: string, list: unknown): unknown[] {
    const resolved = this.resolveValue(list);
    if (!Array.isArray(resolved)) throw new Error(`${fn} expects a list, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  private sub(arg: unknown): string {
    const [source, variables] = Array.isArray(arg) ? [String(arg[0]), (arg[1] ?? {}) as Record<string, unknown>] : [String(arg), {}];
    const text = source.replace(/\$\{([^}]*)\}/g, (whole, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      const name = expression.trim();
      if (name in variables) return scalarToString('Fn::Sub', this.resolveValue(variables[name]));
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [logicalId, attribute] = splitOnce(name, '.');
        if (this.template.Resources[logicalId]) return scalarToString('Fn::Sub', this.getAtt(logicalId, attribute));
      }
      if (!name) return whole;
      return scalarToString('Fn::Sub', this.ref(name));
    });
    return this.resolveDynamicReferences(text);
  }

  private resolveDynamicReferences(text: string): string {
    if (!text.includes('{{resolve:')) return text;
    return text.replace(DYNAMIC_REFERENCE, (_whole, service: string, reference: string) => {
      if (service === 'ssm' || service === 'ssm-secure') {
        const name = reference.replace(/:\d+$/, '');
        const value = this.options.ssm(name);
        if (value === undefined) throw new UnresolvedError(`SSM parameter ${name} is published by no loaded stack`);
        return value;
      }
      throw new UnresolvedError(`dynamic reference {{resolve:${service}:...}} is not supported locally`);
    });
  }
}

const INTRINSIC_KEYS = new Set([
  'Ref',
  'Condition',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::Sub',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Cidr',
  'Fn::Transform',
  'Fn::Length',
  'Fn::ToJsonString',
]);

function isIntrinsicKey(key: string): boolean {
  return INTRINSIC_KEYS.has(key);
}

function isIntrinsic(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && isIntrinsicKey(keys[0]);
}

function expectArray(fn: string, arg: unknown, length?: number): unknown[] {
  if (!Array.isArray(arg) || (length !== undefined && arg.length < length)) {
    throw new Error(`${fn} expects a list of ${length ?? 'some'} items, got ${JSON.stringify(arg)}`);
  }
  return arg;
}

function splitOnce(text: string, separator: string): [string, string] {
  const index = text.indexOf(separator);
  if (index < 0) throw new Error(`Expected "${separator}" in "${text}"`);
  return [text.slice(0, index), text.slice(index + 1)];
}

function scalarToString(fn: string, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${fn} cannot turn ${JSON.stringify(value)} into a string`);
}
