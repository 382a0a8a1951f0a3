import { existsSync } from 'node:fs';

interface IamReport {
  roles: { roleArn: string; principals?: string[]; unused: string[] }[];
  denials: { principal: string; action: string; resource: string; explanation: string; count: number; mode: string }[];
}

/**
 * Prints the local cloud's IAM report (`/_local/iam`): the grants no journey used, per role, and
 * every denial. The suite runs with `--iam enforce`: a denial is a grant a stack lacks, so it fails
 * the run (after the local cloud is stopped), even if the journey that met it passed.
 */
async function iamReport(): Promise<string[]> {
  const base = process.env.E2E_BASE_URL;
  if (!base) return [];
  const report = (await fetch(`${base}/_local/iam`).then(
    (response) => (response.ok ? response.json() : undefined),
    () => undefined,
  )) as IamReport | undefined;
  if (!report) {
    console.log('iam: no report (GET /_local/iam did not answer)');
    return [];
  }
  const unused = report.roles.filter((role) => role.unused.length > 0);
  console.log(
    `iam: ${report.roles.length} roles, ${unused.reduce((sum, role) => sum + role.unused.length, 0)} grants never used in the suite, ${report.denials.length} denials`,
  );
  for (const role of unused) console.log(`  unused by ${role.principals?.join(', ') || role.roleArn}: ${role.unused.join(', ')}`);
  for (const denial of report.denials)
    console.log(
      `  DENIED ×${denial.count} (${denial.mode}) ${denial.principal}: ${denial.action} on ${denial.resource}: ${denial.explanation}`,
    );
  return report.denials
    .filter((denial) => denial.mode === 'enforce')
    .map((denial) => `${denial.principal}: ${denial.action} on ${denial.resource}`);
}

/** Stops the local cloud the global setup started (SIGTERM: it stops DynamoDB Local too) and waits for it. */
export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.E2E_LOCAL_CLOUD_PID);
  if (!pid) return;
  const denials = await iamReport();
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  if (denials.length)
    throw new Error(`IAM denied ${denials.length} call(s) during the suite (grants missing in the stacks): ${denials.join('; ')}`);
}
