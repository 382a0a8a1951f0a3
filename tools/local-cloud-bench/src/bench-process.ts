/** The benches' handling of the local cloud process they start: wait for health, stop it. */
import type { ChildProcess } from 'node:child_process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `GET /_local/health` every `intervalMs` until it answers 200 and returns its body; fails
 * when the process exits first or after `timeoutMs`.
 */
export async function waitForHealth(
  base: string,
  child: ChildProcess,
  timeoutMs: number,
  intervalMs = 10,
): Promise<{ readyInMs?: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the local cloud exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${base}/_local/health`);
      if (response.status === 200) return (await response.json()) as { readyInMs?: number };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('the local cloud did not answer health 200 in time');
    await sleep(intervalMs);
  }
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(graceMs)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}
