'use strict';
/**
 * `semver` as bundled into the Lambda functions (the `alias` of the shop plugin's esbuild options):
 * its `gte` alone. The one bundled caller is aws-xray-sdk-core's `captureAWS` (the AWS SDK v2
 * patcher, `semver.gte(AWS.VERSION, '2.7.15')`, which the shop never calls); the whole package is
 * 28 KB of a bundle. Same results as semver's `gte` for valid versions (a spec compares them), a
 * TypeError for invalid ones; any other member is missing, so a new caller fails loudly (a spec
 * bundles a function and checks that `gte` is all its code reads).
 */
const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

const parse = (version) => {
  const match = VERSION.exec(String(version).trim());
  if (!match) throw new TypeError(`Invalid Version: ${version}`);
  return { core: match.slice(1, 4).map(Number), pre: match[4] === undefined ? [] : match[4].split('.') };
};

const compareIdentifiers = (a, b) => {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Math.sign(Number(a) - Number(b));
  if (numeric.test(a)) return -1;
  if (numeric.test(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

const compare = (left, right) => {
  const a = parse(left);
  const b = parse(right);
  for (let i = 0; i < 3; i += 1) if (a.core[i] !== b.core[i]) return Math.sign(a.core[i] - b.core[i]);
  if (a.pre.length === 0 || b.pre.length === 0) return Math.sign(b.pre.length - a.pre.length) || 0;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i += 1) {
    if (a.pre[i] === undefined) return -1;
    if (b.pre[i] === undefined) return 1;
    const order = compareIdentifiers(a.pre[i], b.pre[i]);
    if (order !== 0) return order;
  }
  return 0;
};

module.exports = { gte: (a, b) => compare(a, b) >= 0 };
