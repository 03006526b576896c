import type { ContainerInspectInfo } from 'dockerode';
import { ActionError } from '../../../agent/actions/actionError';
import { withAnonymousVolumes } from '../../../agent/actions/anonymousVolumes';
import { readiness } from '../../../agent/actions/readiness';
import { resolveContainer } from '../../../agent/actions/resolveContainer';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { asideName, isAsideName } from '../../../agent/revisions/asideName';
import { keepTag } from '../../../agent/revisions/keepTags';
import { inspectFixture } from './inspectFixture';

const record = (name: string, id: string) => ({ name, id }) as ContainerRecord;
const records = [
  record('web-1', 'a1b2c3d4e5f6a7b8'),
  record('web-2', 'b1b2c3d4e5f6a7b8'),
  record('db', 'c1b2c3d4e5f6'),
];

describe('resolveContainer', () => {
  it('finds an exact name or a unique ID of 12+ hex characters', () => {
    expect(resolveContainer(records, 'db').id).toBe('c1b2c3d4e5f6');
    expect(resolveContainer(records, 'a1b2c3d4e5f6').name).toBe('web-1');
  });

  it.each(['web', 'web-1; rm -rf /', '../db', 'WEB-1', '', 'a1b2'])('refuses %j with suggestions', (wanted) => {
    expect(() => resolveContainer(records, wanted)).toThrow(ActionError);
  });

  it('suggests close names for a typo', () => {
    try {
      resolveContainer(records, 'web-3');
      throw new Error('resolved');
    } catch (err) {
      expect((err as ActionError).code).toBe('not-found');
      expect((err as ActionError).suggestions).toEqual(['web-1', 'web-2']);
      expect((err as Error).message).toBe('no container named "web-3" (did you mean web-1, web-2?)');
    }
  });
});

describe('keep tags and aside names', () => {
  it('tags valid names as they are and cleans others without collisions', () => {
    expect(keepTag('web_1', 3).ref).toBe('dockwatch-keep/web_1:rev-3');
    const upper = keepTag('Web-1', 1).repo;
    expect(upper).toMatch(/^dockwatch-keep\/web-1-[0-9a-f]{8}$/);
    expect(upper).not.toBe(keepTag('web-1', 1).repo);
  });

  it('recognises its own aside names only', () => {
    expect(isAsideName(asideName('app', 1718000000000))).toBe(true);
    expect(isAsideName('app-old')).toBe(false);
  });
});

describe('readiness of a started container', () => {
  const base = inspectFixture('inspect-cli-run.json');
  type StatePatch = { Running?: boolean; ExitCode?: number; StartedAt?: string; Health?: { Status: string } };
  const at = (patch: StatePatch, restarts = 0): ContainerInspectInfo => {
    const info = structuredClone(base);
    Object.assign(info.State, { Health: undefined }, patch as object);
    info.RestartCount = restarts;
    return info;
  };
  const started = Date.parse('2026-01-01T00:00:00Z');
  const startedAt = new Date(started).toISOString();

  it('waits for health, then is ready when healthy, and fails when unhealthy', () => {
    expect(
      readiness(at({ Running: true, StartedAt: startedAt, Health: { Status: 'starting' } }), 0, 1000, started + 5000)
        .status,
    ).toBe('waiting');
    expect(
      readiness(at({ Running: true, StartedAt: startedAt, Health: { Status: 'healthy' } }), 0, 1000, started).status,
    ).toBe('ready');
    expect(
      readiness(at({ Running: true, StartedAt: startedAt, Health: { Status: 'unhealthy' } }), 0, 1000, started),
    ).toEqual({
      status: 'failed',
      why: 'the health check failed (unhealthy)',
    });
  });

  it('without a healthcheck is ready after the settle time, and fails on exit or restart', () => {
    expect(readiness(at({ Running: true, StartedAt: startedAt }), 0, 1000, started + 500).status).toBe('waiting');
    expect(readiness(at({ Running: true, StartedAt: startedAt }), 0, 1000, started + 1000).status).toBe('ready');
    expect(readiness(at({ Running: false, ExitCode: 3, StartedAt: startedAt }), 0, 1000, started)).toEqual({
      status: 'failed',
      why: 'the container exited with code 3',
    });
    expect(readiness(at({ Running: true, StartedAt: startedAt }, 1), 0, 1000, started + 2000).status).toBe('failed');
  });
});

describe('anonymous volumes on recreate', () => {
  it('mounts the current anonymous volume where the revision declares a volume nothing else mounts', () => {
    const current = structuredClone(inspectFixture('inspect-api-minimal.json'));
    const anon = 'e'.repeat(64);
    current.Mounts = [
      {
        Type: 'volume',
        Name: anon,
        Destination: '/cache',
        Source: '',
        Driver: 'local',
        Mode: '',
        RW: true,
        Propagation: '',
      },
      {
        Type: 'volume',
        Name: 'named',
        Destination: '/data',
        Source: '',
        Driver: 'local',
        Mode: '',
        RW: true,
        Propagation: '',
      },
    ];
    const spec = {
      config: { Volumes: { '/cache': {}, '/data': {} } },
      hostConfig: { Binds: ['named:/data'] },
      networks: {},
    };
    expect(withAnonymousVolumes(spec, current).hostConfig.Binds).toEqual(['named:/data', `${anon}:/cache`]);
    expect(withAnonymousVolumes({ ...spec, config: {} }, current)).toEqual({ ...spec, config: {} });
  });
});
