import type { EngineEvent } from '../agent/engine/engineEvent';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { LogEntry } from '../agent/logs/logEntry';
import type { ContainerSample } from '../agent/stats/containerSample';
import type { ContainerEvent, ContainerMetrics, ContainerRef, LogLine, MetricsSnapshot } from './inputs';

const CONTAINER_ACTIONS = new Set(['die', 'kill', 'health_status', 'oom', 'start', 'restart', 'stop', 'destroy']);

/** The container an engine event is about, from its attributes (name, labels) or the inventory. */
function eventContainer(e: EngineEvent, record: ContainerRecord | undefined): ContainerRef {
  const attrs = e.Actor.Attributes ?? {};
  if (record) return { id: record.id, name: record.name, labels: record.labels };
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (!['name', 'image', 'exitCode', 'signal', 'execDuration'].includes(k)) labels[k] = v;
  }
  return { id: e.Actor.ID, name: (attrs.name ?? e.Actor.ID.slice(0, 12)).replace(/^\//, ''), labels };
}

/** An engine event as the rule engine takes it, or undefined for events no rule looks at. */
export function toContainerEvent(e: EngineEvent, record: ContainerRecord | undefined): ContainerEvent | undefined {
  if (e.Type !== 'container') return undefined;
  const colon = e.Action.indexOf(':');
  const action = colon < 0 ? e.Action : e.Action.slice(0, colon);
  if (!CONTAINER_ACTIONS.has(action)) return undefined;
  const container = eventContainer(e, record);
  const time = Number(e.timeNano / 1_000_000n);
  const attrs = e.Actor.Attributes ?? {};
  switch (action) {
    case 'die':
      return { container, time, action, exitCode: Number(attrs.exitCode ?? 0) };
    case 'kill':
      return { container, time, action, signal: attrs.signal !== undefined ? Number(attrs.signal) : undefined };
    case 'health_status': {
      const status = e.Action.slice(colon + 1).trim();
      return status === 'healthy' || status === 'unhealthy' ? { container, time, action, status } : undefined;
    }
    default:
      return { container, time, action: action as 'oom' | 'start' | 'restart' | 'stop' | 'destroy' };
  }
}

/** A tailed log event as the rule engine takes it. */
export function toLogLine(entry: LogEntry): LogLine {
  return {
    container: { id: entry.containerId, name: entry.container, labels: entry.labels },
    stream: entry.stream,
    time: entry.timeMs,
    text: entry.text,
  };
}

/** Turns consecutive sampling passes into the figures metric rules compare (CPU % needs two samples). */
export class MetricsSnapshotBuilder {
  private previous = new Map<string, { usageSeconds: number; at: number }>();

  /** The snapshot of the running `records` from their latest `samples`. */
  build(
    records: readonly ContainerRecord[],
    sample: (id: string) => ContainerSample | undefined,
    now: number,
  ): MetricsSnapshot {
    const next = new Map<string, { usageSeconds: number; at: number }>();
    const containers: ContainerMetrics[] = [];
    for (const r of records) {
      const s = sample(r.id);
      if (!s?.cpu || !s.memory) continue;
      const before = this.previous.get(r.id);
      next.set(r.id, { usageSeconds: s.cpu.usageSeconds, at: s.timestampMs });
      const elapsed = before ? (s.timestampMs - before.at) / 1000 : 0;
      const cpuPercent = elapsed > 0 ? Math.max(0, ((s.cpu.usageSeconds - before!.usageSeconds) / elapsed) * 100) : 0;
      const limit = r.spec.memoryLimitBytes;
      containers.push({
        container: { id: r.id, name: r.name, labels: r.labels },
        cpuPercent,
        memoryPercentOfLimit: limit > 0 ? (s.memory.workingSetBytes / limit) * 100 : undefined,
        workingSetBytes: s.memory.workingSetBytes,
        memoryUsageBytes: s.memory.usageBytes,
        restartCount: r.restartCount,
      });
    }
    this.previous = next;
    return { time: now, containers };
  }
}
