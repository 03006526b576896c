import type { LastRun } from './revisionStore';

/** Exit codes of a stop someone asked for (0, SIGTERM, SIGKILL after the stop timeout): they say nothing of health. */
const STOP_EXIT_CODES = new Set(['0', '137', '143']);

/**
 * What a container event says of how its revision runs (pure): `health_status: healthy` → healthy;
 * `health_status: unhealthy`, an OOM kill or an exit with an error code → failed; anything else → nothing.
 */
export function runVerdictOf(
  action: string,
  attributes: Readonly<Record<string, string>>,
): Omit<LastRun, 'at'> | undefined {
  if (action === 'health_status: healthy') return { verdict: 'healthy' };
  if (action === 'health_status: unhealthy') return { verdict: 'failed', detail: 'reported unhealthy' };
  if (action === 'oom') return { verdict: 'failed', detail: 'OOM-killed' };
  if (action === 'die') {
    const code = attributes.exitCode;
    if (code !== undefined && !STOP_EXIT_CODES.has(code))
      return { verdict: 'failed', detail: `exited with code ${code}` };
  }
  return undefined;
}

/**
 * What a container's inspected state says of how it runs now: its health, if it runs and has a healthcheck that
 * reported. A stopped container's last status says nothing (a probe in flight at the stop leaves `unhealthy` behind).
 */
export function runVerdictOfState(state: {
  Running?: boolean;
  Health?: { Status?: string } | undefined;
}): Omit<LastRun, 'at'> | undefined {
  if (state.Running !== true) return undefined;
  const status = state.Health?.Status;
  if (status === 'healthy') return { verdict: 'healthy' };
  if (status === 'unhealthy') return { verdict: 'failed', detail: 'reported unhealthy' };
  return undefined;
}
