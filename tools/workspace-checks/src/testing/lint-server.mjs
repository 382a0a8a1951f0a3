// One ESLint process for many lints: reads `{"filePath","code"}` lines on stdin, lints each code as
// if it were that file of the workspace (the root eslint.config.mjs, as `nx lint` does), and writes
// one JSON line per request: `{"messages":[...]}` or `{"error":"..."}`, in order. Loading ESLint,
// its config and Nx's project graph takes seconds; a lint after that takes milliseconds.
import { createInterface } from 'node:readline';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  try {
    const { filePath, code } = JSON.parse(line);
    const [result] = await eslint.lintText(code, { filePath });
    process.stdout.write(`${JSON.stringify({ messages: result?.messages ?? [] })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: String(error?.stack ?? error) })}\n`);
  }
}
