import { compileEventPattern, EventPatternError } from './event-pattern';

/** An EC2 state-change event as the EventBridge user guide shows it, with the fields the examples below filter on. */
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'running' },
};
const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail });

/** [what, pattern, event, matches]: the examples of the EventBridge user guide (event patterns, content filtering), each matched and not. */
const cases: [string, unknown, unknown, boolean][] = [
  [
    'exact values: source, detail-type and a nested field',
    { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['running'] } },
    ec2Event,
    true,
  ],
  ['exact values: a nested field that differs', { source: ['aws.ec2'], detail: { state: ['stopped'] } }, ec2Event, false],
  ['a list in the pattern matches any of its values', { detail: { state: ['pending', 'running'] } }, ec2Event, true],
  ['a field the event lacks does not match', { detail: { 'c-count': [5] } }, ec2Event, false],
  ['a nested pattern on a field that is not an object does not match', { source: { name: ['aws.ec2'] } }, ec2Event, false],
  [
    'exists false under a missing object matches (the path is absent)',
    { detail: { error: { code: [{ exists: false }] } } },
    ec2Event,
    true,
  ],
  ['exists true under a missing object does not match', { detail: { error: { code: [{ exists: true }] } } }, ec2Event, false],
  [
    'an array in the event matches if one element does',
    {
      resources: [
        'arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0',
        'arn:aws:ec2:us-west-1:111122223333:instance/i-b188560f',
      ],
    },
    ec2Event,
    true,
  ],
  [
    'an array in the event with no matching element',
    { resources: ['arn:aws:ec2:us-west-1:444455556666:instance/i-b188560f'] },
    ec2Event,
    false,
  ],
  [
    'a nested pattern over an array of objects matches one of them',
    { detail: { items: { sku: ['MUG'] } } },
    withDetail({ items: [{ sku: 'PEN' }, { sku: 'MUG' }] }),
    true,
  ],
  [
    'a nested pattern over an array of objects, none matching',
    { detail: { items: { sku: ['CUP'] } } },
    withDetail({ items: [{ sku: 'PEN' }, { sku: 'MUG' }] }),
    false,
  ],
  ['null matches a null value', { detail: { responseElements: [null] } }, withDetail({ responseElements: null }), true],
  ['null does not match a missing field', { detail: { responseElements: [null] } }, withDetail({}), false],
  ['the empty string matches an empty string', { detail: { eventVersion: [''] } }, withDetail({ eventVersion: '' }), true],
  ['the empty string does not match null', { detail: { eventVersion: [''] } }, withDetail({ eventVersion: null }), false],
  ['numbers compare as numbers: 3.018e2 is 301.8', { detail: { 'x-limit': [3.018e2] } }, withDetail({ 'x-limit': 301.8 }), true],
  ['a number does not match its text', { detail: { 'x-limit': [300] } }, withDetail({ 'x-limit': '300' }), false],
  ['booleans match booleans', { detail: { enabled: [true] } }, withDetail({ enabled: true }), true],
  ['prefix', { time: [{ prefix: '2017-12-22' }] }, ec2Event, true],
  ['prefix, not matching', { time: [{ prefix: '2017-10-02' }] }, ec2Event, false],
  [
    'prefix with equals-ignore-case',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    withDetail({ service: 'eventbridge' }),
    true,
  ],
  ['prefix never matches a number', { detail: { code: [{ prefix: '12' }] } }, withDetail({ code: 123 }), false],
  ['suffix', { detail: { FileName: [{ suffix: '.png' }] } }, withDetail({ FileName: 'image.png' }), true],
  ['suffix is case-sensitive', { detail: { FileName: [{ suffix: '.png' }] } }, withDetail({ FileName: 'image.PNG' }), false],
  [
    'suffix with equals-ignore-case',
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    withDetail({ FileName: 'image.PNG' }),
    true,
  ],
  ['equals-ignore-case', { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, ec2Event, true],
  ['anything-but a string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event, true],
  ['anything-but a string, the excluded value', { detail: { state: [{ 'anything-but': 'running' }] } }, ec2Event, false],
  ['anything-but a number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 123 }), false],
  ['anything-but a list of strings', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, ec2Event, true],
  ['anything-but a list of strings, one of them', { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, ec2Event, false],
  [
    'anything-but a list of numbers',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    withDetail({ 'x-limit': 250 }),
    true,
  ],
  ['anything-but does not match a missing field', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, withDetail({}), false],
  ['anything-but a prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, withDetail({ state: 'initializing' }), false],
  ['anything-but a suffix', { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, withDetail({ FileName: 'notes.md' }), true],
  [
    'anything-but equals-ignore-case (list)',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
    withDetail({ state: 'STOPPED' }),
    false,
  ],
  [
    'anything-but a wildcard',
    { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    withDetail({ FilePath: '/usr/bin/node' }),
    true,
  ],
  [
    'anything-but a wildcard, matching it',
    { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    withDetail({ FilePath: '/usr/lib/node' }),
    false,
  ],
  [
    'numeric range',
    {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    withDetail({ 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 }),
    true,
  ],
  ['numeric range, out of it', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, withDetail({ 'c-count': 6 }), false],
  ['numeric never matches a string', { detail: { 'c-count': [{ numeric: ['>', 0] }] } }, withDetail({ 'c-count': '5' }), false],
  ['cidr (IPv4)', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, withDetail({ sourceIPAddress: '10.0.0.255' }), true],
  ['cidr (IPv4), outside', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, withDetail({ sourceIPAddress: '10.0.1.1' }), false],
  ['cidr (IPv6)', { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, withDetail({ sourceIPAddress: '2001:db8:1::1' }), true],
  ['exists: true', { detail: { state: [{ exists: true }] } }, ec2Event, true],
  ['exists: true on a missing field', { detail: { 'c-count': [{ exists: true }] } }, ec2Event, false],
  ['exists: false on a missing field', { detail: { 'c-count': [{ exists: false }] } }, ec2Event, true],
  ['exists: false on a present field', { detail: { state: [{ exists: false }] } }, ec2Event, false],
  ['exists only looks at leaves (an object is not one)', { detail: [{ exists: true }] }, ec2Event, false],
  [
    'wildcard',
    { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/my-bus' },
    true,
  ],
  [
    'wildcard, not matching',
    { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/my-bus' },
    false,
  ],
  ['wildcard with an escaped star', { detail: { name: [{ wildcard: 'a\\*b*' }] } }, withDetail({ name: 'a*bc' }), true],
  ['wildcard with an escaped star, not a wildcard', { detail: { name: [{ wildcard: 'a\\*b*' }] } }, withDetail({ name: 'axbc' }), false],
  [
    '$or across fields',
    {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    },
    withDetail({ 'd-count': 3 }),
    true,
  ],
  [
    '$or across fields, none matching',
    { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }] } },
    withDetail({ 'd-count': 30 }),
    false,
  ],
  [
    '$or beside other fields (AND with them)',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] },
    { source: 'aws.cloudwatch', namespace: 'AWS/EC2' },
    true,
  ],
  [
    '$or beside other fields, the other field failing',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
    { source: 'aws.ec2', namespace: 'AWS/EC2' },
    false,
  ],
  [
    'the Step Functions status-change rule the order service uses',
    {
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: ['arn:aws:states:us-east-1:000000000000:stateMachine:saga'] },
    },
    {
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: { status: 'TIMED_OUT', stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:saga' },
    },
    true,
  ],
  [
    'the same rule and a SUCCEEDED execution',
    { source: ['aws.states'], detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] } },
    { source: 'aws.states', detail: { status: 'SUCCEEDED' } },
    false,
  ],
];

describe('compileEventPattern', () => {
  it.each(cases)('%s', (_what, pattern, event, matches) => {
    expect(compileEventPattern(pattern)(event)).toBe(matches);
  });

  it('takes the pattern as JSON text too (CloudFormation allows both)', () => {
    expect(compileEventPattern('{"source":["aws.ec2"]}')(ec2Event)).toBe(true);
  });

  it.each([
    ['not JSON', '{source'],
    ['an empty pattern', {}],
    ['a leaf that is not an array', { source: 'aws.ec2' }],
    ['an empty array', { source: [] }],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }],
    ['two operators in one filter', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['a numeric range with a bad operator', { size: [{ numeric: ['!=', 1] }] }],
    ['a numeric bound that is text', { size: [{ numeric: ['>', '1'] }] }],
    ['exists that is not a boolean', { size: [{ exists: 'yes' }] }],
    ['a bad CIDR block', { ip: [{ cidr: '10.0.0.0/33' }] }],
    ['consecutive wildcards', { path: [{ wildcard: 'a**b' }] }],
    ['$or with one alternative', { $or: [{ a: ['b'] }] }],
    ['anything-but of an object it does not know', { state: [{ 'anything-but': { numeric: ['>', 1] } }] }],
  ])('refuses %s with InvalidEventPatternException', (_what, pattern) => {
    expect(() => compileEventPattern(pattern)).toThrow(EventPatternError);
  });
});
