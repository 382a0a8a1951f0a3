import { UnresolvedError, type StackResolver } from './intrinsics';
import { isObject } from './template';

interface ExportSource {
  resolver: StackResolver;
  outputId: string;
}

/**
 * The cross-stack exports (`Outputs.<id>.Export.Name`) of every loaded stack, for `Fn::ImportValue`.
 * Names are read in a first pass over all stacks; a value is resolved with its own stack's resolver
 * the first time it is imported, so the order of the stacks does not matter (as CloudFormation's
 * deploy order would). A name exported twice, a missing export and an import cycle are named.
 */
export class StackExports {
  private readonly sources = new Map<string, ExportSource>();
  private readonly values = new Map<string, unknown>();
  private readonly inProgress = new Set<string>();
  /** `<export name> exported by both <stack> and <stack>`, one per duplicate (the first wins). */
  readonly duplicates: string[] = [];
  /** Every stack that imported a name nobody exports, by that name. */
  readonly missing = new Map<string, Set<string>>();

  /** Reads the export names of one stack (its outputs whose condition holds and whose name resolves). */
  add(resolver: StackResolver, warn: (message: string) => void): void {
    for (const [outputId, output] of Object.entries(resolver.template.Outputs ?? {})) {
      if (!isObject(output) || output.Export === undefined) continue;
      try {
        if (output.Condition !== undefined && !resolver.condition(output.Condition)) continue;
        const name = resolver.resolve((output.Export as { Name?: unknown }).Name);
        if (typeof name !== 'string') throw new UnresolvedError(`export name ${JSON.stringify(name)} is not a string`);
        const existing = this.sources.get(name);
        if (existing) this.duplicates.push(`export ${name} is exported by both ${existing.resolver.stackName} and ${resolver.stackName}`);
        else this.sources.set(name, { resolver, outputId });
      } catch (error) {
        if (!(error instanceof UnresolvedError)) throw error;
        warn(`${resolver.stackName}/Outputs/${outputId}: export name not resolvable: ${error.message}`);
      }
    }
  }

  /** The value of an export (see {@link ExportLookup}). */
  readonly lookup = (name: string, importer: string): unknown => {
    if (this.values.has(name)) return this.values.get(name);
    const source = this.sources.get(name);
    if (!source) {
      const importers = this.missing.get(name) ?? new Set<string>();
      importers.add(importer);
      this.missing.set(name, importers);
      throw new UnresolvedError(`Fn::ImportValue ${name}: no loaded stack exports it (imported by ${importer})`);
    }
    if (this.inProgress.has(name)) throw new UnresolvedError(`Fn::ImportValue ${name}: the export depends on itself`);
    this.inProgress.add(name);
    try {
      const output = source.resolver.template.Outputs?.[source.outputId];
      const value = source.resolver.resolve(output?.Value);
      this.values.set(name, value);
      return value;
    } catch (error) {
      if (!(error instanceof UnresolvedError)) throw error;
      throw new UnresolvedError(`Fn::ImportValue ${name} (output ${source.outputId} of ${source.resolver.stackName}): ${error.message}`);
    } finally {
      this.inProgress.delete(name);
    }
  };

  /** One line per missing export, naming every stack that imports it. */
  missingSummary(): string[] {
    return [...this.missing].map(
      ([name, importers]) => `export ${name} is imported by ${[...importers].sort().join(', ')} but no loaded stack exports it`,
    );
  }
}
