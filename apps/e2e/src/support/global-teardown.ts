import { existsSync } from 'node:fs';

/** Stops the local cloud the global setup started (SIGTERM: it stops DynamoDB Local too) and waits for it. */
export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.E2E_LOCAL_CLOUD_PID);
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
}
