/**
 * One cold start, in a fresh Node.js process started by `cold-starts.ts`: loads a function's
 * bundle as the local cloud's worker does (`require` of the handler's file in its code folder, with
 * the environment the local cloud gives it), checks the handler is exported, and prints the time
 * the loading took in ms: the module's own init (parsing, compiling, running its top level, where
 * SDK clients and configuration are built), which is what a bundle's size and imports cost at a
 * cold start. Node.js's own start is the same for every function and is left out.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [codeDir, handler] = process.argv.slice(2);
const dot = handler.lastIndexOf('.');
const started = performance.now();
const loaded = createRequire(join(codeDir, 'index.js'))(join(codeDir, `${handler.slice(0, dot)}.js`)) as Record<string, unknown>;
const initMs = performance.now() - started;
if (typeof loaded[handler.slice(dot + 1)] !== 'function') throw new Error(`${handler} exports no function in ${codeDir}`);
process.stdout.write(`${initMs}\n`);
