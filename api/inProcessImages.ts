import type Docker from 'dockerode';
import { diskUsageReport, selectImages, type DiskUsageReport } from '../agent/images/diskUsage';
import { readDiskUsage } from '../agent/images/readDiskUsage';
import { AgentError, EngineUnavailableError, type ImagesQuery } from '../bot/agentClient';

/**
 * `images` in process: reads the engine's disk usage now and keeps the images the query selects. A failure to reach
 * the engine (no HTTP answer) is an EngineUnavailableError naming `endpoint`; an engine error an AgentError.
 */
export async function readImages(
  docker: Docker,
  query: ImagesQuery,
  watched: (c: { name: string; labels: Record<string, string> }) => boolean,
  endpoint: string,
  now: () => number,
): Promise<DiskUsageReport> {
  try {
    const df = await readDiskUsage(docker, query.signal);
    return selectImages(diskUsageReport(df, now(), watched), query);
  } catch (err) {
    if (query.signal.aborted) throw err;
    const message = (err as Error).message;
    if ((err as { statusCode?: number }).statusCode === undefined) {
      throw new EngineUnavailableError(`the Docker engine is unreachable (${endpoint}: ${message})`);
    }
    throw new AgentError(`the engine could not report its disk usage: ${message}`);
  }
}
