import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { ContainerSample } from '../agent/stats/containerSample';
import type { SampleStore } from '../agent/stats/sampleStore';
import type { ContainerStats } from '../bot/agentClient';

type CpuPoint = { generation: number; usageSeconds: number; timestampMs: number };

const POLL_MS = 100;
/** Slack past one sampling interval before a wait for the next pass gives up (a pass may take a while). */
const PASS_SLACK_MS = 2000;
/** A sample taken within this long after a container's start (whole seconds in the inventory) may predate it. */
const START_RESOLUTION_MS = 1000;

/**
 * A container's figures from the agent's sampling passes, as the bot shows them: waits for the first pass when there
 * is none yet (or for the next one when the container started after the latest), then for a second reading when
 * CPU % needs one, each wait at most one sampling interval and a little; never answers blank because the sampler
 * has not got to it yet.
 */
export class InProcessStats {
  private readonly cpu = new Map<string, { prev?: CpuPoint; last: CpuPoint }>();

  constructor(
    private readonly samples: SampleStore,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** The figures of `record` (undefined when it is not running, or no pass sees it within the wait). */
  async of(record: ContainerRecord, signal: AbortSignal): Promise<ContainerStats | undefined> {
    let sample = this.samples.get(record.id);
    if (!sample && this.sampleMayCome(record)) {
      await this.nextPass(signal);
      sample = this.samples.get(record.id);
    }
    if (!sample) return undefined;
    this.observeAll();
    if (sample.cpu && !this.cpu.get(record.id)?.prev) {
      await this.nextPass(signal);
      sample = this.samples.get(record.id) ?? sample;
      this.observeAll();
    }
    return this.figures(record, sample);
  }

  /** Whether a coming pass should hold the container: running, and no pass has run since it started. */
  private sampleMayCome(record: ContainerRecord): boolean {
    if (record.state !== 'running' && record.state !== 'paused') return false;
    if (this.samples.generation === 0) return true;
    let latest = 0;
    for (const s of this.samples.all()) latest = Math.max(latest, s.timestampMs);
    return latest <= (record.startedAt ?? 0) * 1000 + START_RESOLUTION_MS;
  }

  private async nextPass(signal: AbortSignal): Promise<void> {
    const deadline = this.now() + this.intervalMs + PASS_SLACK_MS;
    const seen = this.samples.generation;
    while (this.samples.generation === seen && this.now() < deadline && !signal.aborted) await pause(POLL_MS);
  }

  private figures(record: ContainerRecord, sample: ContainerSample): ContainerStats {
    const points = this.cpu.get(record.id);
    const elapsed = points?.prev ? (points.last.timestampMs - points.prev.timestampMs) / 1000 : 0;
    const cpuPercent =
      points?.prev && elapsed > 0
        ? (Math.max(0, points.last.usageSeconds - points.prev.usageSeconds) / elapsed) * 100
        : undefined;
    const network = sample.network ?? [];
    return {
      id: record.id,
      timestampMs: sample.timestampMs,
      ...(cpuPercent === undefined ? {} : { cpuPercent }),
      ...(sample.memory ? { memoryWorkingSetBytes: sample.memory.workingSetBytes } : {}),
      ...(record.spec.memoryLimitBytes ? { memoryLimitBytes: record.spec.memoryLimitBytes } : {}),
      ...(sample.network
        ? {
            networkRxBytes: network.reduce((sum, n) => sum + n.rxBytes, 0),
            networkTxBytes: network.reduce((sum, n) => sum + n.txBytes, 0),
          }
        : {}),
      ...(sample.processes === undefined ? {} : { processes: sample.processes }),
    };
  }

  /** Keeps the last two CPU readings of every sampled container, so CPU % needs no wait after the first. */
  private observeAll(): void {
    const generation = this.samples.generation;
    const seen = new Set<string>();
    for (const sample of this.samples.all()) {
      seen.add(sample.id);
      if (!sample.cpu) continue;
      const point = { generation, usageSeconds: sample.cpu.usageSeconds, timestampMs: sample.timestampMs };
      const known = this.cpu.get(sample.id);
      if (known?.last.generation === generation) continue;
      this.cpu.set(sample.id, { ...(known ? { prev: known.last } : {}), last: point });
    }
    for (const id of this.cpu.keys()) if (!seen.has(id)) this.cpu.delete(id);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
