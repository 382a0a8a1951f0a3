#!/usr/bin/env node
// The package's bin (`npx local-cloud <dir>`): checks the Node.js major, then runs the built main.mjs.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`local-cloud needs Node.js 24 or later (this is ${process.version}): its functions run on Node.js 24 APIs\n`);
  process.exit(1);
}
// A URL, not a specifier: the file is only next to main.mjs once packed (pack.mjs puts it in bin/).
await import(new URL('../main.mjs', import.meta.url).href);
