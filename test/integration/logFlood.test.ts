import { runLogFlood, quantile, type LogFloodResult } from '../support/logFloodRig';

/** The agent's RSS bound under a log flood, as the table of docs/reliability.md states it. */
const RSS_BOUND_BYTES = 150 * 2 ** 20;
/** How soon after the flood ends the agent has taken its last line (docs/reliability.md: it keeps pace). */
const CAUGHT_UP_WITHIN_MS = 10_000;
const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

describe('a log flood (one container writing 1 KB lines as fast as it can for 20 s)', () => {
  let result: LogFloodResult;

  beforeAll(async () => {
    result = await runLogFlood({
      floodSeconds: 20,
      markerContainers: 2,
      markerEveryMs: 1000,
      catchUpTimeoutMs: 30_000,
    });
    const r = result;
    process.stdout.write(
      `log flood: ${r.linesWritten} lines in ${r.floodMs} ms (${Math.round(r.linesWritten / (r.floodMs / 1000))}/s), ` +
        `processed ${r.processed}, dropped ${JSON.stringify(r.dropped)}, caught up ${r.catchUpMs} ms after; ` +
        `RSS ${MiB(r.baselineRssBytes)} → peak ${MiB(r.peakRssBytes)}; markers ${r.markersDelivered}/${r.markersSent}, ` +
        `latency p50 ${quantile(r.markerLatenciesMs, 0.5)} ms p99 ${quantile(r.markerLatenciesMs, 0.99)} ms\n`,
    );
  }, 120_000);

  it('keeps the agent RSS under the documented bound', () => {
    expect({ peakRss: MiB(result.peakRssBytes), under: result.peakRssBytes < RSS_BOUND_BYTES }).toEqual({
      peakRss: MiB(result.peakRssBytes),
      under: true,
    });
  });

  it('accounts for every line the flood wrote: processed, or dropped with a reason', () => {
    expect(result.engineKept).toBe(result.linesWritten);
    const dropped = Object.values(result.dropped).reduce((a, b) => a + b, 0);
    expect({ accounted: result.processed + dropped }).toEqual({ accounted: result.linesWritten });
  });

  it('keeps pace with the flood: its last line is taken within seconds of the flood ending, not left queued', () => {
    expect({ caughtUpMs: result.catchUpMs, inTime: (result.catchUpMs ?? Infinity) < CAUGHT_UP_WITHIN_MS }).toEqual({
      caughtUpMs: result.catchUpMs,
      inTime: true,
    });
  });

  it("delivers every marker of the other containers' logs, once", () => {
    expect(result.markersDelivered).toBe(result.markersSent);
    expect(result.markerDuplicates).toBe(0);
  });
});
