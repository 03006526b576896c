import { isDeepStrictEqual } from 'node:util';
import { isUnset, type CreateSpec } from '../revisions/createSpec';

/** The parts of an image's `Config` (from `GET /images/{id}/json`) that a container inherits at create. */
export type ImageDefaults = {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | string | null;
  Healthcheck?: Record<string, unknown> | null;
  User?: string;
  WorkingDir?: string;
  StopSignal?: string | null;
  Shell?: string[] | null;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, unknown> | null;
  Volumes?: Record<string, unknown> | null;
};

/** Config fields taken whole from the image when the container does not set them. */
const WHOLE_FIELDS = ['User', 'WorkingDir', 'StopSignal', 'Shell', 'OnBuild'] as const;
/** Healthcheck fields the engine fills in one by one from the image when the container's is zero. */
const HEALTH_FIELDS = ['Test', 'Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const;

function without(config: Record<string, unknown>, key: string, keep: unknown): void {
  if (keep === undefined || isUnset(keep, false)) delete config[key];
  else config[key] = keep;
}

function ownEnv(env: unknown, image: ImageDefaults): string[] | undefined {
  if (!Array.isArray(env)) return undefined;
  const defaults = new Set(image.Env ?? []);
  return (env as string[]).filter((entry) => !defaults.has(entry));
}

function ownMapping(value: unknown, image: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries((value as Record<string, unknown> | null) ?? {})) {
    if (!image || !(key in image) || !isDeepStrictEqual(image[key], v)) out[key] = v;
  }
  return out;
}

function ownHealthcheck(value: unknown, image: ImageDefaults): Record<string, unknown> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const from = image.Healthcheck ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const inherited = (HEALTH_FIELDS as readonly string[]).includes(key) && isDeepStrictEqual(from[key], v);
    if (!inherited && !isUnset(v, true)) out[key] = v;
  }
  return out;
}

/**
 * The create spec of a container re-pointed at a new image (pure): its own run-time settings kept, and whatever it
 * inherited from its old image (`oldImage`) left unset so the new image's defaults apply, as `docker run` gives
 * them. An env entry equal to the old image's is dropped (one the user set, a new key or another value, is kept);
 * Cmd, Entrypoint, User, WorkingDir, StopSignal equal to the old image's are unset (Cmd stays when Entrypoint was
 * set, since the engine then takes no Cmd from the image); healthcheck fields equal to the old image's are unset
 * one by one; labels, exposed ports and volumes the old image declared with the same value are dropped (exposed
 * ports published in HostConfig stay). HostConfig (ports, binds, restart policy, limits) and networks are kept.
 */
export function deploySpec(spec: CreateSpec, oldImage: ImageDefaults): CreateSpec {
  const config: Record<string, unknown> = { ...spec.config };
  without(config, 'Env', ownEnv(config.Env, oldImage));
  const entrypointOwn =
    !isUnset(config.Entrypoint, false) && !isDeepStrictEqual(config.Entrypoint, oldImage.Entrypoint);
  if (!entrypointOwn) delete config.Entrypoint;
  if (!entrypointOwn && isDeepStrictEqual(config.Cmd, oldImage.Cmd)) delete config.Cmd;
  for (const key of WHOLE_FIELDS) {
    const image = oldImage[key];
    if (key in config && !isUnset(image, false) && isDeepStrictEqual(config[key], image)) delete config[key];
  }
  without(config, 'Healthcheck', ownHealthcheck(config.Healthcheck, oldImage));
  without(config, 'Labels', ownMapping(config.Labels, oldImage.Labels));
  const published = Object.keys((spec.hostConfig.PortBindings as Record<string, unknown> | undefined) ?? {});
  const exposed = ownMapping(config.ExposedPorts, oldImage.ExposedPorts);
  for (const port of published) {
    const had = (config.ExposedPorts as Record<string, unknown> | undefined)?.[port];
    if (had !== undefined) exposed[port] = had;
  }
  without(config, 'ExposedPorts', exposed);
  without(config, 'Volumes', ownMapping(config.Volumes, oldImage.Volumes));
  return { config, hostConfig: spec.hostConfig, networks: spec.networks };
}
