import type { ReportPart } from '../resources/kind';

/** What `POST /_local/deploy` answers: how long the swap took and what the service now runs. */
export interface DeployReport {
  service: string;
  durationMs: number;
  tables: Record<string, string>;
  functions: number;
  routes: number;
  queues: number;
  topics: number;
  stateMachines: number;
  rules: number;
  warnings: string[];
}

export const emptyDeployReport = (service: string): DeployReport => ({
  service,
  durationMs: 0,
  tables: {},
  functions: 0,
  routes: 0,
  queues: 0,
  topics: 0,
  stateMachines: 0,
  rules: 0,
  warnings: [],
});

/** Adds a kind's part to the report: numbers add up, records merge. */
export function addToReport(report: DeployReport, part: ReportPart | undefined): void {
  const fields = report as unknown as Record<string, number | Record<string, string>>;
  for (const [name, value] of Object.entries(part ?? {})) {
    const current = fields[name];
    fields[name] =
      typeof value === 'number'
        ? (typeof current === 'number' ? current : 0) + value
        : { ...(current as Record<string, string>), ...value };
  }
}
