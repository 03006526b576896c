import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { inspect } from 'node:util';
import { join } from 'node:path';
import type { RegistriesConfig } from '../../config/registriesSchema';
import { DOCKER_HUB } from './imageRef';

/** A username and password (or token) for one registry. */
export type RegistryLogin = { username: string; password: string };

/** Where a registry's credentials came from, for messages ("credentials from config were refused"). */
export type CredentialSource = 'config' | 'docker-config';

/** The engine's `X-Registry-Auth` object as dockerode's `authconfig` takes it. */
export type EngineAuthConfig = { username: string; password: string; serveraddress: string };

/** The address Docker's CLI gives the engine for Docker Hub logins. */
const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
const HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** A registry host as the engine and image references name it: lowercase, no scheme or path, Hub as docker.io. */
export function normalizeRegistryHost(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** Logins read from Docker's config.json, with what could not be used (never a secret). */
export type DockerConfigAuths = { file: string; logins: Map<string, RegistryLogin>; warnings: string[] };

/** The config.json Docker's CLI uses: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const dir = env['DOCKER_CONFIG'];
  return dir ? join(dir, 'config.json') : join(home, '.docker', 'config.json');
}

/** Parses a config.json text: `auths.<host>.auth` (base64 `user:pass`) or `username`/`password` per host. */
export function parseDockerConfig(text: string, file: string): DockerConfigAuths {
  const logins = new Map<string, RegistryLogin>();
  const warnings: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { file, logins, warnings: [`${file} is not valid JSON; its registry logins are not used`] };
  }
  if (!isRecord(doc)) return { file, logins, warnings: [`${file} is not a JSON object; its logins are not used`] };
  if (typeof doc['credsStore'] === 'string' || isRecord(doc['credHelpers'])) {
    warnings.push(`${file} names a credential helper; dockwatch does not run helpers (use registries: in the config)`);
  }
  const auths = doc['auths'];
  if (!isRecord(auths)) return { file, logins, warnings };
  for (const [key, entry] of Object.entries(auths)) {
    const login = isRecord(entry) ? loginOf(entry) : undefined;
    if (login) logins.set(normalizeRegistryHost(key), login);
    else if (isRecord(entry) && Object.keys(entry).length > 0) {
      warnings.push(`${file}: the login for ${JSON.stringify(key)} has no usable auth or username/password`);
    }
  }
  return { file, logins, warnings };
}

function loginOf(entry: Record<string, unknown>): RegistryLogin | undefined {
  const { auth, username, password } = entry;
  if (typeof auth === 'string' && auth !== '') {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    return undefined;
  }
  if (typeof username === 'string' && username !== '' && typeof password === 'string') return { username, password };
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Registry credentials for pulls and update checks: the config's `registries:` list first, then Docker's
 * config.json (re-read when the file changes, so a later `docker login` is seen). Passwords stay inside.
 */
export class RegistryCredentials {
  private readonly configured: Map<string, RegistryLogin>;
  private docker: DockerConfigAuths | undefined;
  private dockerStamp = '';

  constructor(
    registries: RegistriesConfig,
    /** The config.json to honour; undefined to use none. */
    private readonly dockerConfigFile: string | undefined = dockerConfigPath(),
  ) {
    this.configured = new Map(
      registries.map((r) => [normalizeRegistryHost(r.host), { username: r.username, password: r.password }]),
    );
  }

  /** The login for a registry host (`docker.io`, `127.0.0.1:5000`); the config wins over config.json. */
  for(registryHost: string): RegistryLogin | undefined {
    const host = normalizeRegistryHost(registryHost);
    return this.configured.get(host) ?? this.dockerConfig()?.logins.get(host);
  }

  /** Where the login for a host comes from, or undefined when there is none. */
  sourceOf(registryHost: string): CredentialSource | undefined {
    const host = normalizeRegistryHost(registryHost);
    if (this.configured.has(host)) return 'config';
    return this.dockerConfig()?.logins.has(host) ? 'docker-config' : undefined;
  }

  /** A short, secret-free description of a source for error messages. */
  describeSource(registryHost: string): string {
    const source = this.sourceOf(registryHost);
    if (source === 'config') return `credentials for ${normalizeRegistryHost(registryHost)} from the config`;
    if (source === 'docker-config') {
      return `credentials for ${normalizeRegistryHost(registryHost)} from ${this.dockerConfigFile ?? 'config.json'}`;
    }
    return `no credentials configured for ${normalizeRegistryHost(registryHost)}`;
  }

  /** The engine's `X-Registry-Auth` for a host (dockerode's `authconfig`), or undefined to pull anonymously. */
  engineAuth(registryHost: string): EngineAuthConfig | undefined {
    const login = this.for(registryHost);
    if (!login) return undefined;
    const host = normalizeRegistryHost(registryHost);
    return { ...login, serveraddress: host === DOCKER_HUB ? DOCKER_HUB_SERVER : host };
  }

  /** What config.json held that could not be used (no secrets), for a warning at start. */
  warnings(): string[] {
    return this.dockerConfig()?.warnings ?? [];
  }

  /** Hosts and sources only, so logging this object never prints a password. */
  toJSON(): Record<string, CredentialSource> {
    const out: Record<string, CredentialSource> = {};
    for (const host of this.dockerConfig()?.logins.keys() ?? []) out[host] = 'docker-config';
    for (const host of this.configured.keys()) out[host] = 'config';
    return out;
  }

  [inspect.custom](): string {
    return `RegistryCredentials ${JSON.stringify(this.toJSON())}`;
  }

  private dockerConfig(): DockerConfigAuths | undefined {
    const file = this.dockerConfigFile;
    if (file === undefined) return undefined;
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      this.docker = undefined;
      this.dockerStamp = '';
      return undefined;
    }
    if (stamp !== this.dockerStamp) {
      try {
        this.docker = parseDockerConfig(readFileSync(file, 'utf8'), file);
      } catch (error) {
        const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
        this.docker = { file, logins: new Map(), warnings: [`${file} could not be read (${reason})`] };
      }
      this.dockerStamp = stamp;
    }
    return this.docker;
  }
}

/** The credentials an agent uses: the config's list and the config.json of the environment it runs in. */
export function registryCredentials(
  registries: RegistriesConfig,
  env: NodeJS.ProcessEnv = process.env,
): RegistryCredentials {
  return new RegistryCredentials(registries, dockerConfigPath(env));
}
