import type { DeployResult } from '../agent/actions/containerActions';
import type { FailureDiagnosis } from '../agent/actions/failureDiagnosis';

/**
 * How a deploy ended, as an AgentClient answers it: the outcome, what happened in words (never the log lines), and
 * for one that was rolled back the diagnosis apart (exit code, health output, log lines), so that the bot shows each
 * part only to who may see it (the log lines need `logs` on the container).
 */
export type DeployReport = {
  outcome: DeployResult['outcome'];
  message: string;
  /** Why the new container did not come up (`restored`, `restore-failed`), as far as the engine told. */
  diagnosis?: FailureDiagnosis;
};

const OUTCOMES: readonly string[] = ['deployed', 'up-to-date', 'restored', 'restore-failed'];
/** Most log lines a report may carry (the agent keeps 10). */
const MAX_LOG_LINES = 50;

/** The report of an action's result: its message and, when it failed, its reason's diagnosis fields. */
export function deployReportOf(result: DeployResult): DeployReport {
  const r = result.reason;
  const diagnosis: FailureDiagnosis | undefined = r && {
    ...(r.exitCode !== undefined && { exitCode: r.exitCode }),
    ...(r.health !== undefined && { health: r.health }),
    logs: r.logs,
  };
  return { outcome: result.outcome, message: result.message, ...(diagnosis && { diagnosis }) };
}

/** A report as an agent sent it over the control API, checked; the reason it is not one otherwise. */
export function readDeployReport(value: unknown): { ok: true; report: DeployReport } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error });
  if (!isObject(value)) return fail('the deploy report is not a JSON object');
  const { outcome, message, diagnosis } = value;
  if (typeof outcome !== 'string' || !OUTCOMES.includes(outcome)) return fail('the deploy report has no known outcome');
  if (typeof message !== 'string') return fail('the deploy report has no message');
  const report: DeployReport = { outcome: outcome as DeployReport['outcome'], message };
  if (diagnosis === undefined) return { ok: true, report };
  if (!isObject(diagnosis)) return fail('the deploy diagnosis is not a JSON object');
  const { exitCode, health, logs } = diagnosis;
  const lines = Array.isArray(logs) && logs.length <= MAX_LOG_LINES && logs.every((l) => typeof l === 'string');
  if (!lines) return fail(`the deploy diagnosis has no list of at most ${MAX_LOG_LINES} log lines`);
  if (exitCode !== undefined && !Number.isSafeInteger(exitCode)) return fail('the deploy exit code is not a number');
  if (health !== undefined && typeof health !== 'string') return fail('the deploy health output is not text');
  report.diagnosis = {
    ...(exitCode !== undefined && { exitCode: exitCode as number }),
    ...(health !== undefined && { health: health as string }),
    logs: logs as string[],
  };
  return { ok: true, report };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
