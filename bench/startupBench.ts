import http from 'node:http';
import type { AgentProcess } from './agentProcess';

/** How long the agent took to start, and what its first scrapes cost. */
export type StartupCost = {
  /** From spawn to the first 200 from /readyz (the first sampling pass stored). */
  readyMs: number;
  /** The first scrape after ready, in OpenMetrics, then the first in the Prometheus text format. */
  firstOpenMetricsMs: number;
  firstTextMs: number;
};

/** One GET on a fresh connection: its status and the ms to its last body byte. */
function timedGet(url: string, accept?: string): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers: accept ? { accept } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/**
 * Polls /readyz every 10 ms from the agent's spawn until it answers 200 (at most `timeoutMs`), then scrapes /metrics
 * at once in OpenMetrics and in the text format, as a Prometheus that finds a restarted agent does.
 */
export async function measureStartup(agent: AgentProcess, timeoutMs = 120_000): Promise<StartupCost> {
  for (;;) {
    const ready = await timedGet(`${agent.url}/readyz`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (performance.now() - agent.spawnedAt > timeoutMs) {
      throw new Error(`the agent was not ready ${timeoutMs / 1000} s after its start:\n${agent.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const readyMs = performance.now() - agent.spawnedAt;
  const om = await timedGet(`${agent.url}/metrics`, 'application/openmetrics-text;version=1.0.0');
  const text = await timedGet(`${agent.url}/metrics`);
  if (om.status !== 200 || text.status !== 200) throw new Error(`/metrics answered ${om.status} / ${text.status}`);
  return { readyMs, firstOpenMetricsMs: om.ms, firstTextMs: text.ms };
}
