import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** A message of ESLint's report. */
export interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
}

/** Lints code as if it were a file of the workspace, with the real root eslint.config.mjs. */
export interface Linter {
  /** The errors (severity 2) as `<rule>: <message>`. */
  errors(filePath: string, code: string): Promise<string[]>;
  /** Ends the ESLint process. */
  close(): Promise<void>;
}

/**
 * Starts one ESLint process for the workspace (`lint-server.mjs`, in its own process as `nx lint`
 * runs ESLint) and sends it each lint in turn: ESLint, its config and Nx's project graph load once.
 */
export function startLinter(workspaceRoot: string): Linter {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [path.join(__dirname, 'lint-server.mjs')], {
    cwd: workspaceRoot,
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let ended = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A write to a process that has ended fails here, not as an unhandled error: the request is refused below.
  child.stdin.on('error', () => undefined);
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(line));
  void exited.then(() => {
    ended = true;
    for (const request of waiting.splice(0)) request.reject(new Error(`the ESLint process ended: ${stderr}`));
  });
  return {
    errors: async (filePath, code) => {
      const line = await new Promise<string>((resolve, reject) => {
        if (ended) return reject(new Error(`the ESLint process ended: ${stderr}`));
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify({ filePath, code })}\n`);
      });
      const answer = JSON.parse(line) as { messages?: LintMessage[]; error?: string };
      if (!answer.messages) throw new Error(`ESLint gave no report for ${filePath}: ${answer.error ?? stderr}`);
      return answer.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
    },
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
