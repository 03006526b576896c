import type Docker from 'dockerode';
import { DiskUsageRefresher } from '../../../agent/images/diskUsageRefresher';
import type { Logger } from '../../../shared/logger';

/** An engine whose `df` answers what the test scripts: a figure, an error, or the busy refusal of engines < 23. */
function engine(answers: Array<number | Error>) {
  const calls = { count: 0 };
  const docker = {
    df: async () => {
      const next = answers[Math.min(calls.count++, answers.length - 1)];
      if (next instanceof Error) throw next;
      return { LayersSize: next, Images: [], Containers: [], Volumes: [], BuildCache: [] };
    },
  } as unknown as Docker;
  return { docker, calls };
}

function recordingLogger() {
  const lines: string[] = [];
  const logger = {
    warn: (message: string) => lines.push(`warn ${message}`),
    info: (message: string) => lines.push(`info ${message}`),
  } as unknown as Logger;
  return { logger, lines };
}

describe('DiskUsageRefresher', () => {
  it('keeps the last figures through failures, logging the first failure and the recovery once each', async () => {
    const { docker } = engine([100, new Error('socket hang up'), new Error('socket hang up'), 300]);
    const { logger, lines } = recordingLogger();
    const refresher = new DiskUsageRefresher({ docker: () => docker, intervalMs: 60_000, watched: () => true, logger });
    expect(refresher.latest).toBeUndefined();
    expect(await refresher.refresh()).toBe(true);
    expect(refresher.latest?.totals.images.sizeBytes).toBe(100);
    expect(await refresher.refresh()).toBe(false);
    expect(await refresher.refresh()).toBe(false);
    expect(refresher.latest?.totals.images.sizeBytes).toBe(100);
    expect(await refresher.refresh()).toBe(true);
    expect(refresher.latest?.totals.images.sizeBytes).toBe(300);
    expect(lines).toEqual([
      'warn disk usage could not be read; keeping the last figures and retrying with backoff',
      'info disk usage read again after failures',
    ]);
    expect(refresher.version).toBe(2);
  });

  it('makes no reading while the engine is not connected, and says nothing of it', async () => {
    const { logger, lines } = recordingLogger();
    const refresher = new DiskUsageRefresher({
      docker: () => undefined,
      intervalMs: 60_000,
      watched: () => true,
      logger,
    });
    expect(await refresher.refresh()).toBe(false);
    expect(refresher.latest).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('waits while another disk usage computation runs on the engine instead of failing', async () => {
    const busy = new Error('(HTTP code 500) server error - a disk usage operation is already running');
    const { docker, calls } = engine([busy, busy, 42]);
    const { logger, lines } = recordingLogger();
    const refresher = new DiskUsageRefresher({ docker: () => docker, intervalMs: 60_000, watched: () => true, logger });
    expect(await refresher.refresh()).toBe(true);
    expect(calls.count).toBe(3);
    expect(refresher.latest?.totals.images.sizeBytes).toBe(42);
    expect(lines).toEqual([]);
  });

  it('reads soon after start and then on its interval', async () => {
    jest.useFakeTimers();
    try {
      const { docker, calls } = engine([1]);
      const { logger } = recordingLogger();
      const refresher = new DiskUsageRefresher({
        docker: () => docker,
        intervalMs: 10_000,
        firstDelayMs: 500,
        watched: () => true,
        logger,
      });
      refresher.start();
      await jest.advanceTimersByTimeAsync(499);
      expect(calls.count).toBe(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls.count).toBe(1);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(calls.count).toBe(2);
      refresher.stop();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(calls.count).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
