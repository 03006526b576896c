import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CgroupPathResolver, cgroupPathCandidates, expandSystemdSlice } from '../../../agent/stats/cgroupPaths';

const ID = 'f'.repeat(64);

describe('expandSystemdSlice', () => {
  it('nests a slice under one parent slice per dash', () => {
    expect(expandSystemdSlice('system.slice')).toBe('system.slice');
    expect(expandSystemdSlice('my-app.slice')).toBe('my.slice/my-app.slice');
    expect(expandSystemdSlice('a-b-c.slice')).toBe('a.slice/a-b.slice/a-b-c.slice');
    expect(expandSystemdSlice('-.slice')).toBe('');
  });
});

describe('cgroupPathCandidates', () => {
  it('tries the cgroupfs path under docker/ first, then the systemd scope', () => {
    expect(cgroupPathCandidates(ID, '')).toEqual([`docker/${ID}`, `system.slice/docker-${ID}.scope`]);
  });

  it('uses a custom cgroupfs parent, leading and trailing slashes ignored', () => {
    expect(cgroupPathCandidates(ID, '/ci/jobs/')).toEqual([`ci/jobs/${ID}`, `system.slice/docker-${ID}.scope`]);
  });

  it('puts the scope under a parent slice, expanded and as given', () => {
    expect(cgroupPathCandidates(ID, 'my-app.slice')).toEqual([
      `my-app.slice/${ID}`,
      `my.slice/my-app.slice/docker-${ID}.scope`,
      `my-app.slice/docker-${ID}.scope`,
      `system.slice/docker-${ID}.scope`,
    ]);
    expect(cgroupPathCandidates(ID, 'system.slice')).toEqual([`system.slice/${ID}`, `system.slice/docker-${ID}.scope`]);
  });
});

describe('CgroupPathResolver', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dockwatch-cgpaths-'));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds the systemd scope when the cgroupfs path does not exist', async () => {
    mkdirSync(join(root, 'system.slice', `docker-${ID}.scope`), { recursive: true });
    const resolver = new CgroupPathResolver(root);
    await expect(resolver.resolve({ id: ID, cgroupParent: '' })).resolves.toBe(`/system.slice/docker-${ID}.scope`);
  });

  it('prefers the cgroupfs path when both exist', async () => {
    mkdirSync(join(root, 'system.slice', `docker-${ID}.scope`), { recursive: true });
    mkdirSync(join(root, 'docker', ID), { recursive: true });
    const resolver = new CgroupPathResolver(root);
    await expect(resolver.resolve({ id: ID, cgroupParent: '' })).resolves.toBe(`/docker/${ID}`);
  });

  it('does not remember a container without a cgroup, and finds it once it appears', async () => {
    const resolver = new CgroupPathResolver(root);
    await expect(resolver.resolve({ id: ID, cgroupParent: '' })).resolves.toBeUndefined();
    expect(resolver.size).toBe(0);
    mkdirSync(join(root, 'docker', ID), { recursive: true });
    await expect(resolver.resolve({ id: ID, cgroupParent: '' })).resolves.toBe(`/docker/${ID}`);
  });

  it('caches per container ID and forgets IDs that are no longer retained', async () => {
    mkdirSync(join(root, 'docker', ID), { recursive: true });
    const resolver = new CgroupPathResolver(root);
    await resolver.resolve({ id: ID, cgroupParent: '' });
    rmSync(join(root, 'docker', ID), { recursive: true });
    await expect(resolver.resolve({ id: ID, cgroupParent: '' })).resolves.toBe(`/docker/${ID}`);
    resolver.retainOnly(new Set([ID]));
    expect(resolver.size).toBe(1);
    resolver.retainOnly(new Set());
    expect(resolver.size).toBe(0);
    await expect(resolver.resolve({ id: ID, cgroupParent: '' })).resolves.toBeUndefined();
  });
});
