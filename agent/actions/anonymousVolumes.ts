import type { ContainerInspectInfo } from 'dockerode';
import type { CreateSpec } from '../revisions/createSpec';

const ANONYMOUS = /^[0-9a-f]{64}$/;

function target(entry: string): string | undefined {
  return entry.split(':')[1];
}

/**
 * The spec with the current container's anonymous volumes mounted where the spec declares volumes (`Config.Volumes`)
 * that nothing else mounts, so a recreate keeps their data as `docker compose up` does (pure).
 */
export function withAnonymousVolumes(spec: CreateSpec, current: ContainerInspectInfo): CreateSpec {
  const declared = Object.keys((spec.config.Volumes as Record<string, unknown> | undefined) ?? {});
  if (!declared.length) return spec;
  const binds = (spec.hostConfig.Binds as string[] | undefined) ?? [];
  const mounts = (spec.hostConfig.Mounts as { Target?: string }[] | undefined) ?? [];
  const taken = new Set([...binds.map(target), ...mounts.map((m) => m.Target)]);
  const carried = (current.Mounts ?? [])
    .filter((m) => m.Type === 'volume' && m.Name && ANONYMOUS.test(m.Name))
    .filter((m) => declared.includes(m.Destination) && !taken.has(m.Destination))
    .map((m) => `${m.Name}:${m.Destination}`);
  if (!carried.length) return spec;
  return { ...spec, hostConfig: { ...spec.hostConfig, Binds: [...binds, ...carried] } };
}
