import { ssmParameterArn } from './naming';

interface Entry {
  source: string;
  type: string;
  /** Resolves the value lazily: it may depend on parameters other stacks publish. */
  value: () => string;
}

export interface SsmParameterValue {
  name: string;
  type: string;
  value: string;
  arn: string;
  version: number;
  lastModified: Date;
}

/**
 * The SSM parameters the loaded stacks publish (AWS::SSM::Parameter), shared by all stacks: a stack
 * that reads `/shop/local/platform/user-pool-arn` gets what the platform stack wrote there. Values
 * resolve lazily and once; the SSM API the functions call reads from here too.
 */
export class SsmParameters {
  private readonly entries = new Map<string, Entry>();
  private readonly values = new Map<string, SsmParameterValue>();
  private readonly inProgress = new Set<string>();

  /** Declares a parameter; `source` names the stack and resource for messages. */
  define(name: string, type: string, source: string, value: () => string): void {
    this.entries.set(name, { source, type, value });
    this.values.delete(name);
  }

  /** Forgets every parameter that `source` (a stack name prefix) declared. */
  forgetSource(stackName: string): void {
    for (const [name, entry] of this.entries) {
      if (entry.source.startsWith(`${stackName}/`)) {
        this.entries.delete(name);
        this.values.delete(name);
      }
    }
  }

  /** A runtime write (PutParameter from a function or a test). */
  put(name: string, value: string, type = 'String', overwrite = true): SsmParameterValue {
    const existing = this.get(name);
    if (existing && !overwrite) throw new Error(`ParameterAlreadyExists: ${name}`);
    const stored: SsmParameterValue = {
      name,
      type,
      value,
      arn: ssmParameterArn(name),
      version: (existing?.version ?? 0) + 1,
      lastModified: new Date(),
    };
    this.entries.set(name, { source: 'runtime/PutParameter', type, value: () => value });
    this.values.set(name, stored);
    return stored;
  }

  lookup = (name: string): string | undefined => this.get(name)?.value;

  get(name: string): SsmParameterValue | undefined {
    const cached = this.values.get(name);
    if (cached) return cached;
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (this.inProgress.has(name)) throw new Error(`SSM parameter ${name} depends on itself`);
    this.inProgress.add(name);
    try {
      const value: SsmParameterValue = {
        name,
        type: entry.type,
        value: entry.value(),
        arn: ssmParameterArn(name),
        version: 1,
        lastModified: new Date(),
      };
      this.values.set(name, value);
      return value;
    } finally {
      this.inProgress.delete(name);
    }
  }

  /** Every parameter whose value can be resolved, sorted by name. */
  all(): SsmParameterValue[] {
    const out: SsmParameterValue[] = [];
    for (const name of [...this.entries.keys()].sort()) {
      try {
        const value = this.get(name);
        if (value) out.push(value);
      } catch {
        // An unresolvable parameter is reported where it is used.
      }
    }
    return out;
  }

  sourceOf(name: string): string | undefined {
    return this.entries.get(name)?.source;
  }
}
