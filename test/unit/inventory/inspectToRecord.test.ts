import type { ContainerInspectInfo } from 'dockerode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineTimeToSeconds, inspectToRecord } from '../../../agent/inventory/inspectToRecord';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/inspect', name), 'utf8')) as ContainerInspectInfo;

describe('inspectToRecord memory limits as the engine writes the cgroup', () => {
  const withMemory = (host: { Memory: number; MemorySwap: number; MemoryReservation: number }) => {
    const info = fixture('running-limited.json');
    return inspectToRecord({ ...info, HostConfig: { ...info.HostConfig, ...host } }).spec;
  };

  it('takes MemorySwap and MemoryReservation when set', () => {
    expect(withMemory({ Memory: 64, MemorySwap: 96, MemoryReservation: 32 })).toMatchObject({
      memoryLimitBytes: 64,
      memorySwapLimitBytes: 96,
      memoryReservationBytes: 32,
    });
  });

  it('doubles the memory limit when only that is set, and reports unlimited swap (-1) as 0', () => {
    expect(withMemory({ Memory: 64, MemorySwap: 0, MemoryReservation: 0 })).toMatchObject({
      memorySwapLimitBytes: 128,
    });
    expect(withMemory({ Memory: 64, MemorySwap: -1, MemoryReservation: 0 })).toMatchObject({ memorySwapLimitBytes: 0 });
  });
});

describe('inspectToRecord (real engine payloads)', () => {
  it('maps a running container with limits, health and compose labels', () => {
    const r = inspectToRecord(fixture('running-limited.json'));
    expect(r.name).toBe('dwfix-limited');
    expect(r.state).toBe('running');
    expect(r.health).toBe('healthy');
    expect(r.composeProject).toBe('shop');
    expect(r.composeService).toBe('web');
    expect(r.image).toBe('dockwatch-test/busybox:1');
    expect(r.imageId).toMatch(/^sha256:/);
    expect(r.pid).toBeGreaterThan(0);
    expect(r.exitCode).toBeUndefined();
    expect(r.spec).toEqual({
      cpuQuota: 50000,
      cpuPeriod: 100000,
      cpuShares: 1024,
      memoryLimitBytes: 67108864,
      memorySwapLimitBytes: 134217728,
      memoryReservationBytes: 0,
    });
    expect(r.startedAt).toBeCloseTo(Date.parse('2026-11-29T00:21:23.374Z') / 1000, 2);
  });

  it('maps an exited container with its exit code and no limits', () => {
    const r = inspectToRecord(fixture('exited.json'));
    expect(r.state).toBe('exited');
    expect(r.exitCode).toBe(3);
    expect(r.health).toBe('none');
    expect(r.pid).toBe(0);
    expect(r.spec).toEqual({
      cpuQuota: undefined,
      cpuPeriod: 100000,
      cpuShares: 1024,
      memoryLimitBytes: 0,
      memorySwapLimitBytes: 0,
      memoryReservationBytes: 0,
    });
  });

  it("shows no health for a stopped container: the engine's last status of it says nothing", () => {
    const info = fixture('running-limited.json');
    const withState = (Status: string, health: string) =>
      inspectToRecord({
        ...info,
        State: { ...info.State, Status, Health: { ...info.State.Health, Status: health } },
      } as ContainerInspectInfo).health;
    expect(withState('exited', 'unhealthy')).toBe('none');
    expect(withState('created', 'starting')).toBe('none');
    expect(withState('restarting', 'unhealthy')).toBe('none');
    expect(withState('running', 'unhealthy')).toBe('unhealthy');
    expect(withState('paused', 'healthy')).toBe('healthy');
  });

  it('keeps nanoseconds of engine timestamps and treats Go zero time as unset', () => {
    expect(engineTimeToSeconds('2026-11-29T00:21:23.374015274Z')).toBeCloseTo(1795911683.374015, 5);
    expect(engineTimeToSeconds('0001-01-01T00:00:00Z')).toBeUndefined();
  });
});
