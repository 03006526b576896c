import type { ContainerInspectInfo } from 'dockerode';

/** Where a freshly started container stands: ready, not yet, or failed (with why). */
export type Readiness = { status: 'ready' } | { status: 'waiting'; why: string } | { status: 'failed'; why: string };

/**
 * Judges one inspect of a started container (pure): with a healthcheck it must be healthy; without one it must
 * have kept running for `settleMs` since it started, without restarting.
 */
export function readiness(
  info: ContainerInspectInfo,
  startedRestartCount: number,
  settleMs: number,
  now: number,
): Readiness {
  const state = info.State;
  const health = (state as { Health?: { Status?: string } }).Health?.Status;
  if (!state.Running || state.Restarting || info.RestartCount > startedRestartCount) {
    const how = state.Running || state.Restarting ? 'restarted' : `exited with code ${state.ExitCode}`;
    return { status: 'failed', why: `the container ${how}` };
  }
  if (health === 'unhealthy') return { status: 'failed', why: 'the health check failed (unhealthy)' };
  if (health === 'healthy') return { status: 'ready' };
  if (health !== undefined && health !== 'none') return { status: 'waiting', why: `health is ${health}` };
  const since = Date.parse(state.StartedAt);
  if (Number.isFinite(since) && now - since >= settleMs) return { status: 'ready' };
  return { status: 'waiting', why: 'running for less than the settle time' };
}
