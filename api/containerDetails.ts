import type Docker from 'dockerode';
import type { ContainerDetails } from '../bot/agentClient';

/** The parts of `docker inspect` the `inspect` command shows (env unredacted: the command redacts). */
export function containerDetails(info: Docker.ContainerInspectInfo): ContainerDetails {
  const ports = Object.entries(info.NetworkSettings?.Ports ?? {}).flatMap(([port, bindings]) =>
    bindings?.length ? bindings.map((b) => `${b.HostIp}:${b.HostPort}->${port}`) : [port],
  );
  const policy = info.HostConfig?.RestartPolicy;
  const entrypoint = info.Config?.Entrypoint;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config?.Image ?? '',
    imageId: info.Image,
    state: info.State.Status,
    health: info.State.Health?.Status ?? 'none',
    createdAt: info.Created,
    ...(info.State.Running ? { startedAt: info.State.StartedAt } : {}),
    restartCount: info.RestartCount,
    command: info.Config?.Cmd ?? [],
    entrypoint: Array.isArray(entrypoint) ? entrypoint : entrypoint ? [entrypoint] : [],
    env: info.Config?.Env ?? [],
    ports: ports.sort(),
    mounts: (info.Mounts ?? []).map((m) => `${m.Name ?? m.Source}:${m.Destination}${m.RW ? '' : ':ro'}`),
    networks: Object.keys(info.NetworkSettings?.Networks ?? {}).sort(),
    labels: info.Config?.Labels ?? {},
    restartPolicy: policy?.Name
      ? `${policy.Name}${policy.MaximumRetryCount ? `:${policy.MaximumRetryCount}` : ''}`
      : '',
  };
}
