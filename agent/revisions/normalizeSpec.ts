import { isUnset, type CreateSpec } from './createSpec';

const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** HostConfig values the engine fills in by itself (daemon defaults), ignored when comparing. */
const ENGINE_DEFAULTS: Record<string, (value: unknown) => boolean> = {
  Runtime: (v) => v === 'runc',
  ShmSize: (v) => v === DEFAULT_SHM_SIZE,
  IpcMode: (v) => v === 'private' || v === 'shareable',
  CgroupnsMode: (v) => v === 'host' || v === 'private',
  LogConfig: (v) => {
    const log = v as { Type?: string; Config?: Record<string, unknown> } | null;
    return log?.Type === 'json-file' && isUnset(log.Config ?? {}, false);
  },
  RestartPolicy: (v) => {
    const name = (v as { Name?: string } | null)?.Name ?? '';
    return name === '' || name === 'no';
  },
};

const capability = (c: unknown) => String(c).toUpperCase().replace(/^CAP_/, '');

/** Sorts mapping keys recursively, so equal values serialize equally. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

const sorted = (v: unknown) => (Array.isArray(v) ? [...v].map(String).sort() : v);

function normalizeHostConfig(hostConfig: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(hostConfig)) {
    if (isUnset(value, true) || ENGINE_DEFAULTS[key]?.(value)) continue;
    out[key] = value;
  }
  if (out.NetworkMode === 'default') out.NetworkMode = 'bridge';
  for (const key of ['CapAdd', 'CapDrop']) {
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(capability).sort();
  }
  for (const key of ['Binds', 'Dns', 'DnsSearch', 'DnsOptions', 'ExtraHosts', 'SecurityOpt', 'GroupAdd']) {
    if (out[key] !== undefined) out[key] = sorted(out[key]);
  }
  return out;
}

/**
 * The comparable form of a create spec: engine-added defaults dropped, lists whose order does not matter sorted,
 * mapping keys sorted. Two containers with equal normalized specs were created the same way.
 */
export function normalizeSpec(spec: CreateSpec): CreateSpec {
  const config = { ...spec.config };
  if (Array.isArray(config.Env)) config.Env = [...(config.Env as string[])].sort();
  const networks: CreateSpec['networks'] = {};
  for (const [name, attachment] of Object.entries(spec.networks)) {
    networks[name === 'default' ? 'bridge' : name] = {
      ...attachment,
      ...(attachment.aliases && { aliases: [...attachment.aliases].sort() }),
    };
  }
  return sortKeys({ config, hostConfig: normalizeHostConfig(spec.hostConfig), networks }) as CreateSpec;
}
