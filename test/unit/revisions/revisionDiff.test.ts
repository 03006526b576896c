import type { ContainerInspectInfo } from 'dockerode';
import { createSpecFromInspect } from '../../../agent/revisions/createSpec';
import { needsRevision, versionDifferences, type ContainerVersion } from '../../../agent/revisions/revisionDiff';
import { inspectFixture } from './inspectFixture';

const versionOf = (info: ContainerInspectInfo): ContainerVersion => ({
  imageId: info.Image,
  spec: createSpecFromInspect(info),
});

/** The same container as the engine would show it after being recreated with the same options elsewhere. */
function recreated(info: ContainerInspectInfo): ContainerInspectInfo {
  const copy = structuredClone(info);
  const oldShortId = copy.Id.slice(0, 12);
  copy.Id = 'f'.repeat(64);
  copy.Config.Hostname = copy.Id.slice(0, 12);
  for (const endpoint of Object.values(copy.NetworkSettings.Networks) as { Aliases?: string[] | null }[]) {
    endpoint.Aliases = endpoint.Aliases?.map((a) => (a === oldShortId ? copy.Id.slice(0, 12) : a)) ?? null;
  }
  copy.Config.Env = [...(copy.Config.Env ?? [])].reverse();
  const host = copy.HostConfig as Record<string, unknown>;
  host.CapAdd = ((host.CapAdd as string[] | null) ?? []).map((c) => c.replace(/^CAP_/, ''));
  host.IpcMode = 'shareable';
  host.Runtime = 'runc';
  host.ShmSize = 64 * 1024 * 1024;
  host.MaskedPaths = ['/proc/kcore'];
  return copy;
}

describe('revision diffing (captured payloads)', () => {
  const run = inspectFixture('inspect-cli-run.json');
  const api = inspectFixture('inspect-api-minimal.json');

  it('sees no difference between a container and its recreation with engine defaults and reordered lists', () => {
    expect(versionDifferences(versionOf(run), versionOf(recreated(run)))).toEqual([]);
    expect(needsRevision(versionOf(run), versionOf(recreated(run)))).toBe(false);
  });

  it('treats default and bridge networking, and an empty or "no" restart policy, as the same', () => {
    const bridge = structuredClone(api);
    bridge.HostConfig.NetworkMode = 'bridge';
    (bridge.HostConfig as Record<string, unknown>).RestartPolicy = { Name: 'no', MaximumRetryCount: 0 };
    expect(versionDifferences(versionOf(api), versionOf(bridge))).toEqual([]);
  });

  it('names what changed, never the values', () => {
    const changed = structuredClone(run);
    changed.Image = 'sha256:' + '2'.repeat(64);
    changed.Config.Env = ['SECRET_TOKEN=other-secret', 'FOO=bar'];
    changed.HostConfig.Memory = 64 * 1024 * 1024;
    const diff = versionDifferences(versionOf(run), versionOf(changed));
    expect(diff).toEqual(['Image', 'Config.Env', 'HostConfig.Memory']);
    expect(diff.join()).not.toMatch(/secret/i);
  });

  it('sees new network aliases and labels', () => {
    const changed = structuredClone(run);
    changed.Config.Labels = { ...changed.Config.Labels, tier: 'front' };
    (changed.NetworkSettings.Networks as Record<string, { Aliases: string[] }>)['dwtest-fixture-net']!.Aliases = [
      'web',
      'www',
    ];
    expect(versionDifferences(versionOf(run), versionOf(changed))).toEqual([
      'Config.Labels',
      'Networks.dwtest-fixture-net',
    ]);
  });

  it('needs a first revision, and one for a different container', () => {
    expect(needsRevision(undefined, versionOf(api))).toBe(true);
    expect(needsRevision(versionOf(api), versionOf(run))).toBe(true);
  });
});
