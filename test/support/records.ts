import type { ContainerRecord } from '../../agent/inventory/containerRecord';

/** A running container record with no limits, for unit tests; override what the test is about. */
export function testRecord(id: string, overrides: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    id,
    name: `c-${id.slice(0, 4)}`,
    image: 'dockwatch-test/busybox:1',
    imageId: 'sha256:0',
    labels: {},
    state: 'running',
    health: 'none',
    restartCount: 0,
    createdAt: 0,
    pid: 4242,
    cgroupParent: '',
    networkMode: 'bridge',
    tty: false,
    logDriver: 'json-file',
    spec: { cpuPeriod: 100000, cpuShares: 1024, memoryLimitBytes: 0 },
    ...overrides,
  };
}
