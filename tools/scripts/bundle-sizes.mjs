#!/usr/bin/env node
// Prints the size of every Lambda bundle of a service and fails when one exceeds its budget.
// Usage: node tools/scripts/bundle-sizes.mjs <bundles-dir> [--max-kb <fn>=<kb> ...]
// Each bundle is <bundles-dir>/<fn>/index.js (minified); its source map is listed for reference.
// The last --max-kb of a function wins: a service raises a budget the shop's Nx plugin infers by
// appending its own (its build target's `args` in project.json).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...rest] = process.argv.slice(2);
if (!dir) {
  console.error('usage: bundle-sizes.mjs <bundles-dir> [--max-kb <fn>=<kb> ...]');
  process.exit(2);
}
const budgets = new Map();
for (let i = 0; i < rest.length; i += 1) {
  if (rest[i] !== '--max-kb' || !rest[i + 1]) continue;
  const [fn, kb] = rest[i + 1].split('=');
  budgets.set(fn, Number(kb));
  i += 1;
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
let failed = false;
const functions = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
for (const fn of functions) {
  const js = join(dir, fn, 'index.js');
  if (!existsSync(js)) {
    console.error(`${fn}: no index.js in ${join(dir, fn)}`);
    failed = true;
    continue;
  }
  const size = statSync(js).size;
  const map = join(dir, fn, 'index.js.map');
  const mapNote = existsSync(map) ? ` (source map ${kb(statSync(map).size)} KB)` : '';
  const budget = budgets.get(fn);
  const over = budget !== undefined && size > budget * 1024;
  if (over) failed = true;
  const budgetNote = budget === undefined ? '' : over ? `  OVER BUDGET of ${budget} KB` : `  (budget ${budget} KB)`;
  console.log(`${fn.padEnd(24)} ${kb(size).padStart(8)} KB minified${mapNote}${budgetNote}`);
}
for (const fn of budgets.keys()) {
  if (!functions.includes(fn)) {
    console.error(`${fn}: has a budget but no bundle`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
