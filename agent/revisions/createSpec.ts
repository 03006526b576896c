import type { ContainerInspectInfo } from 'dockerode';

/** A container's network attachment as `docker run --network … --network-alias …` would create it. */
export type NetworkAttachment = {
  aliases?: string[];
  ipamConfig?: Record<string, unknown>;
  links?: string[];
};

/**
 * What recreates a container: the create body's `Config` (without `Image`), its `HostConfig`, and its networks.
 * Reconstructed from inspect, with output-only and unset fields left out; values are JSON.
 */
export type CreateSpec = {
  config: Record<string, unknown>;
  hostConfig: Record<string, unknown>;
  networks: Record<string, NetworkAttachment>;
};

const CONFIG_SKIPPED = new Set(['Image', 'Hostname']);
const HOST_CONFIG_SKIPPED = new Set(['MaskedPaths', 'ReadonlyPaths', 'ConsoleSize', 'ContainerIDFile']);
const NON_NETWORK_MODES = /^(host|none|container:.*)$/;

/** Whether a top-level value means "not set" in a create body (null, empty string, empty list or mapping, false). */
export function isUnset(value: unknown, zeroIsUnset: boolean): boolean {
  if (value === null || value === undefined || value === '' || value === false) return true;
  if (zeroIsUnset && value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function pick(
  source: object,
  skipped: Set<string>,
  zeroIsUnset: boolean,
  keepEmptyLists = false,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    const kept = !isUnset(value, zeroIsUnset) || (keepEmptyLists && Array.isArray(value));
    if (!skipped.has(key) && kept) out[key] = value;
  }
  return out;
}

/** Network attachments from inspect, without the engine's own alias (the short ID) and without unset parts. */
function networksOf(info: ContainerInspectInfo): Record<string, NetworkAttachment> {
  const mode = String(info.HostConfig.NetworkMode ?? '');
  if (NON_NETWORK_MODES.test(mode)) return {};
  const shortId = info.Id.slice(0, 12);
  const out: Record<string, NetworkAttachment> = {};
  for (const [name, endpoint] of Object.entries(info.NetworkSettings?.Networks ?? {})) {
    const e = endpoint as {
      Aliases?: string[] | null;
      IPAMConfig?: Record<string, unknown> | null;
      Links?: string[] | null;
    };
    const attachment: NetworkAttachment = {};
    const aliases = (e.Aliases ?? []).filter((a) => a !== shortId && a !== info.Id);
    if (aliases.length) attachment.aliases = aliases;
    if (e.IPAMConfig && !isUnset(pick(e.IPAMConfig, new Set(), false), false)) attachment.ipamConfig = e.IPAMConfig;
    if (e.Links?.length) attachment.links = e.Links;
    out[name] = attachment;
  }
  return out;
}

/**
 * Reconstructs the create config of a container from its inspect payload (pure). HostConfig's empty lists are kept
 * (`docker run` sends `Dns: []` where the API leaves null), so a recreated container inspects the same.
 */
export function createSpecFromInspect(info: ContainerInspectInfo): CreateSpec {
  const config = pick(info.Config, CONFIG_SKIPPED, false);
  const hostname = info.Config.Hostname;
  if (hostname && hostname !== info.Id.slice(0, 12)) config.Hostname = hostname;
  return {
    config,
    hostConfig: pick(info.HostConfig, HOST_CONFIG_SKIPPED, true, true),
    networks: networksOf(info),
  };
}

/** The network the container is created on (the others are connected before it starts). */
export function primaryNetwork(spec: CreateSpec): string | undefined {
  const mode = String(spec.hostConfig.NetworkMode ?? 'default');
  const names = Object.keys(spec.networks);
  if (names.includes(mode)) return mode;
  if (mode === 'default' && names.includes('bridge')) return 'bridge';
  return names[0];
}

/** The engine's endpoint settings for one attachment. */
export function endpointConfig(attachment: NetworkAttachment): Record<string, unknown> {
  return {
    ...(attachment.aliases && { Aliases: attachment.aliases }),
    ...(attachment.ipamConfig && { IPAMConfig: attachment.ipamConfig }),
    ...(attachment.links && { Links: attachment.links }),
  };
}

/** The body of `POST /containers/create` for `spec` under `name` from `image`, on its primary network only. */
export function createOptions(spec: CreateSpec, name: string, image: string): Record<string, unknown> {
  const primary = primaryNetwork(spec);
  const attachment = primary === undefined ? undefined : spec.networks[primary];
  return {
    ...spec.config,
    name,
    Image: image,
    HostConfig: spec.hostConfig,
    ...(primary !== undefined &&
      attachment && { NetworkingConfig: { EndpointsConfig: { [primary]: endpointConfig(attachment) } } }),
  };
}

/** The networks to connect after create, in name order. */
export function secondaryNetworks(spec: CreateSpec): [string, NetworkAttachment][] {
  const primary = primaryNetwork(spec);
  return Object.entries(spec.networks)
    .filter(([name]) => name !== primary)
    .sort(([a], [b]) => a.localeCompare(b));
}
