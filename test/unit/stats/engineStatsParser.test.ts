import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineStatsPayload } from '../../../agent/stats/engineStatsParser';
import { hasEngineSample, parseEngineStats } from '../../../agent/stats/engineStatsParser';

const fixture = (name: string): EngineStatsPayload =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/engine-stats', name), 'utf8')) as EngineStatsPayload;

const V1_ID = 'a5a6349b1085eff46ed48990b89761fb30a39a96258dc661708efefbca4df466';
const V2_ID = '9f2c4e1d7b3a85c60e4f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f';
const NOW = 1_790_000_000_000;

describe('parseEngineStats on a cgroup v1 payload (dockerd 20.10, API 1.41)', () => {
  const sample = parseEngineStats(V1_ID, fixture('v1.json'), NOW);

  it('keeps the id, the cgroupfs path and the timestamp', () => {
    expect(sample.id).toBe(V1_ID);
    expect(sample.cgroupPath).toBe(`/docker/${V1_ID}`);
    expect(sample.timestampMs).toBe(NOW);
  });

  it('converts CPU nanoseconds to seconds', () => {
    expect(sample.cpu).toEqual({
      usageSeconds: 1.136573631,
      userSeconds: 1.03,
      systemSeconds: 0.1,
      cfsPeriods: 25,
      cfsThrottledPeriods: 20,
      cfsThrottledSeconds: 0.951390596,
    });
  });

  it('computes the working set from total_inactive_file, like cAdvisor', () => {
    // usage 16588800 − total_inactive_file 8192000; `docker stats` would show usage − cache = 921600.
    expect(sample.memory).toEqual({
      usageBytes: 16588800,
      workingSetBytes: 8396800,
      rssBytes: 118784,
      cacheBytes: 15667200,
      swapBytes: 0,
      failcnt: 910,
    });
  });

  it('sums blkio per device from the capitalised Read/Write ops, ignoring Sync/Async/Total', () => {
    expect(sample.blkio).toEqual([
      { device: '254:0', readBytes: 3211264, writeBytes: 41943040, reads: 98, writes: 320 },
      { device: '254:16', readBytes: 65536, writeBytes: 0, reads: 4, writes: 0 },
    ]);
  });

  it('reports each network interface', () => {
    expect(sample.network).toEqual([
      {
        interface: 'eth0',
        rxBytes: 1072,
        rxPackets: 12,
        rxDropped: 0,
        rxErrors: 0,
        txBytes: 336,
        txPackets: 4,
        txDropped: 0,
        txErrors: 0,
      },
    ]);
  });

  it('takes the thread count from pids_stats.current and leaves processes unknown', () => {
    expect(sample.processes).toBeUndefined();
    expect(sample.threads).toBe(2);
  });

  it('gives no devices for the empty blkio arrays this host really returns', () => {
    const payload = fixture('v1.json');
    payload.blkio_stats = { io_service_bytes_recursive: [], io_serviced_recursive: [] };
    expect(parseEngineStats(V1_ID, payload, NOW).blkio).toEqual([]);
  });
});

describe('parseEngineStats on a cgroup v2 payload', () => {
  const sample = parseEngineStats(V2_ID, fixture('v2.json'), NOW);

  it('converts CPU nanoseconds (usec × 1000 on v2) to seconds', () => {
    expect(sample.cpu).toEqual({
      usageSeconds: 12.345678,
      userSeconds: 10,
      systemSeconds: 2.345678,
      cfsPeriods: 1500,
      cfsThrottledPeriods: 42,
      cfsThrottledSeconds: 3.210987,
    });
  });

  it('computes the working set from inactive_file and maps anon/file to rss/cache', () => {
    expect(sample.memory).toEqual({
      usageBytes: 52428800,
      workingSetBytes: 39845888,
      rssBytes: 31457280,
      cacheBytes: 18874368,
      swapBytes: 0,
      failcnt: 0,
    });
  });

  it('reads lowercase ops and leaves op counts at 0 when io_serviced_recursive is null', () => {
    expect(sample.blkio).toEqual([
      { device: '8:0', readBytes: 4194304, writeBytes: 1048576, reads: 0, writes: 0 },
      { device: '259:0', readBytes: 65536, writeBytes: 0, reads: 0, writes: 0 },
    ]);
  });

  it('reports every interface, sorted by name', () => {
    expect(sample.network?.map((n) => [n.interface, n.rxBytes, n.rxDropped, n.txBytes, n.txErrors])).toEqual([
      ['eth0', 987654, 2, 123456, 1],
      ['eth1', 4096, 0, 2048, 0],
    ]);
  });

  it('takes the thread count from pids_stats.current and leaves processes unknown', () => {
    expect(sample.threads).toBe(7);
  });

  it('names devices with the resolver when one is given', () => {
    const names: Record<string, string> = { '8:0': '/dev/sda', '259:0': '/dev/nvme0n1' };
    const resolved = parseEngineStats(V2_ID, fixture('v2.json'), NOW, (major, minor) => {
      return names[`${major}:${minor}`] ?? `${major}:${minor}`;
    });
    expect(resolved.blkio?.map((d) => d.device)).toEqual(['/dev/sda', '/dev/nvme0n1']);
  });
});

describe('parseEngineStats edge cases', () => {
  it('floors the working set at 0', () => {
    const payload: EngineStatsPayload = {
      read: '2026-11-29T00:00:00Z',
      memory_stats: { usage: 100, stats: { inactive_file: 4096 } },
    };
    expect(parseEngineStats('x', payload, NOW).memory?.workingSetBytes).toBe(0);
  });

  it('omits networks when the payload has none (host or none network mode)', () => {
    const payload = fixture('v2.json');
    delete payload.networks;
    expect(parseEngineStats(V2_ID, payload, NOW).network).toBeUndefined();
  });

  it('parses the zeroed payload of a stopped container without inventing memory or processes', () => {
    const sample = parseEngineStats('x', fixture('stopped.json'), NOW);
    expect(sample.memory).toBeUndefined();
    expect(sample.processes).toBeUndefined();
    expect(sample.blkio).toEqual([]);
  });
});

describe('hasEngineSample', () => {
  it('is false for the payload the engine returns for a stopped container', () => {
    expect(hasEngineSample(fixture('stopped.json'))).toBe(false);
  });

  it('is true for payloads of running containers', () => {
    expect(hasEngineSample(fixture('v1.json'))).toBe(true);
    expect(hasEngineSample(fixture('v2.json'))).toBe(true);
  });
});
