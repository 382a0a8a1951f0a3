/** Where a bucket sends an event: a function (invoked asynchronously), a queue or a topic. */
export interface NotificationTarget {
  kind: 'lambda' | 'sqs' | 'sns';
  arn: string;
  /** `s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`, ... */
  events: string[];
  prefix?: string;
  suffix?: string;
  /** The configuration's Id (`s3.configurationId` of the record); a stable one is made when absent. */
  id: string;
}

/** What a bucket's notification configuration says, in one shape whichever way the template wrote it. */
export interface NotificationConfig {
  targets: NotificationTarget[];
  /** `EventBridgeConfiguration`: every event also goes to the default bus. */
  eventBridge: boolean;
}

type Rules = { Name?: string; Value?: string }[] | undefined;

function filterOf(rules: Rules): { prefix?: string; suffix?: string } {
  const out: { prefix?: string; suffix?: string } = {};
  for (const rule of rules ?? []) {
    const name = String(rule.Name ?? '').toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') throw new Error(`filter rule ${String(rule.Name)}: S3 knows prefix and suffix`);
    out[name] = String(rule.Value ?? '');
  }
  return out;
}

const KINDS = [
  ['lambda', 'LambdaFunctionConfigurations', 'LambdaFunctionArn'],
  ['sqs', 'QueueConfigurations', 'QueueArn'],
  ['sns', 'TopicConfigurations', 'TopicArn'],
] as const;

/**
 * The API's shape (`PutBucketNotificationConfiguration`), which CDK's `Custom::S3BucketNotifications`
 * carries: `LambdaFunctionConfigurations[].LambdaFunctionArn`, `QueueConfigurations[].QueueArn`,
 * `TopicConfigurations[].TopicArn`, each with `Events` and `Filter.Key.FilterRules`.
 */
export function fromApiShape(configuration: Record<string, unknown> | undefined): NotificationConfig {
  const targets: NotificationTarget[] = [];
  for (const [kind, list, arnField] of KINDS) {
    const entries = (configuration?.[list] as Record<string, unknown>[] | undefined) ?? [];
    entries.forEach((entry, index) => {
      const filter = filterOf((entry.Filter as { Key?: { FilterRules?: Rules } } | undefined)?.Key?.FilterRules);
      targets.push({
        kind,
        arn: String(entry[arnField]),
        events: ((entry.Events as string[] | undefined) ?? []).map(String),
        ...filter,
        id: typeof entry.Id === 'string' ? entry.Id : `${kind}-${index}`,
      });
    });
  }
  return { targets, eventBridge: configuration?.EventBridgeConfiguration !== undefined };
}

const PROPERTY_KINDS = [
  ['lambda', 'LambdaConfigurations', 'Function'],
  ['sqs', 'QueueConfigurations', 'Queue'],
  ['sns', 'TopicConfigurations', 'Topic'],
] as const;

/**
 * The template's shape (`AWS::S3::Bucket` property `NotificationConfiguration`): one `Event` per
 * entry, `Function`/`Queue`/`Topic`, `Filter.S3Key.Rules`, `EventBridgeConfiguration.EventBridgeEnabled`.
 */
export function fromBucketProperty(configuration: Record<string, unknown> | undefined): NotificationConfig {
  const targets: NotificationTarget[] = [];
  for (const [kind, list, arnField] of PROPERTY_KINDS) {
    const entries = (configuration?.[list] as Record<string, unknown>[] | undefined) ?? [];
    entries.forEach((entry, index) => {
      const filter = filterOf((entry.Filter as { S3Key?: { Rules?: Rules } } | undefined)?.S3Key?.Rules);
      targets.push({ kind, arn: String(entry[arnField]), events: [String(entry.Event)], ...filter, id: `${kind}-${index}` });
    });
  }
  const eventBridge = configuration?.EventBridgeConfiguration as { EventBridgeEnabled?: unknown } | undefined;
  return { targets, eventBridge: eventBridge !== undefined && eventBridge.EventBridgeEnabled !== false };
}

/** `s3:ObjectCreated:*` matches `ObjectCreated:Put`; `s3:ObjectCreated:Put` only itself. */
export function eventMatches(pattern: string, eventName: string): boolean {
  const wanted = pattern.replace(/^s3:/, '');
  return wanted.endsWith(':*') ? eventName.startsWith(wanted.slice(0, -1)) : wanted === eventName;
}

/** Whether a target takes an event on a key: one of its events matches and the key has its prefix and suffix (case-sensitive, as S3). */
export function targetTakes(target: NotificationTarget, eventName: string, key: string): boolean {
  return (
    target.events.some((pattern) => eventMatches(pattern, eventName)) &&
    (target.prefix === undefined || key.startsWith(target.prefix)) &&
    (target.suffix === undefined || key.endsWith(target.suffix))
  );
}
