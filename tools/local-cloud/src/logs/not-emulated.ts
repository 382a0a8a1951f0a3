/** A resource the local cloud reads but does not run (IAM, log groups, alarms, ...). */
export interface NotEmulatedResource {
  type: string;
}

/**
 * The start-up line about what is not emulated: counts by type, most first
 * (`not emulated: 62 resources of 9 types (AWS::IAM::Role 20, AWS::Lambda::Permission 14, ...)`).
 * The list itself is in `/_local/resources`.
 */
export function notEmulatedSummary(resources: readonly NotEmulatedResource[]): string | undefined {
  if (resources.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const { type } of resources) counts.set(type, (counts.get(type) ?? 0) + 1);
  const byCount = [...counts].sort(([typeA, countA], [typeB, countB]) => countB - countA || typeA.localeCompare(typeB));
  return `not emulated: ${resources.length} resource${resources.length === 1 ? '' : 's'} of ${counts.size} type${counts.size === 1 ? '' : 's'} (${byCount
    .map(([type, count]) => `${type} ${count}`)
    .join(', ')}); the list: GET /_local/resources`;
}
