import type Docker from 'dockerode';
import type { EngineDiskUsage } from './diskUsage';

/** How often to ask again while the engine is busy with another disk usage computation, and how long between. */
const BUSY_RETRIES = 20;
const BUSY_WAIT_MS = 250;

/**
 * Reads `GET /system/df` once (one reading at a time per engine: engines before 23 refuse a second concurrent one
 * with "a disk usage operation is already running", so a busy answer is retried for up to ~5 s) and normalises the
 * answer: missing lists become empty, missing numbers -1.
 */
export async function readDiskUsage(docker: Docker, signal?: AbortSignal): Promise<EngineDiskUsage> {
  for (let attempt = 0; ; attempt++) {
    try {
      const raw = (await docker.df({ ...(signal ? { abortSignal: signal } : {}) } as never)) as unknown;
      return normaliseDiskUsage(raw);
    } catch (err) {
      if (attempt >= BUSY_RETRIES || !isBusy(err) || signal?.aborted) throw err;
      await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS));
    }
  }
}

/** Whether the engine refused because another disk usage computation runs (anyone's: the CLI's, another agent's). */
export function isBusy(err: unknown): boolean {
  return err instanceof Error && /disk usage operation is already running/i.test(err.message);
}

/** The engine's answer as {@link EngineDiskUsage}, whatever the API version left out or set to null. */
export function normaliseDiskUsage(raw: unknown): EngineDiskUsage {
  const o = record(raw);
  return {
    LayersSize: num(o.LayersSize, 0),
    Images: list(o.Images).map((i) => ({
      Id: str(i.Id),
      RepoTags: strings(i.RepoTags),
      RepoDigests: strings(i.RepoDigests),
      Created: num(i.Created, 0),
      Size: num(i.Size, -1),
      SharedSize: num(i.SharedSize, -1),
      Containers: num(i.Containers, 0),
    })),
    Containers: list(o.Containers).map((c) => ({
      Id: str(c.Id),
      Names: strings(c.Names),
      ImageID: str(c.ImageID),
      State: str(c.State),
      SizeRw: num(c.SizeRw, 0),
      Labels: Object.fromEntries(Object.entries(record(c.Labels)).map(([k, v]) => [k, String(v)])),
    })),
    Volumes: list(o.Volumes).map((v) => {
      const usage = v.UsageData === null || v.UsageData === undefined ? undefined : record(v.UsageData);
      return {
        Name: str(v.Name),
        UsageData: usage ? { Size: num(usage.Size, -1), RefCount: num(usage.RefCount, 0) } : null,
      };
    }),
    BuildCache: list(o.BuildCache).map((b) => ({
      ID: str(b.ID),
      Size: num(b.Size, 0),
      InUse: b.InUse === true,
      Shared: b.Shared === true,
    })),
  };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
