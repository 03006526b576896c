import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

/** One service of `docker-compose config` output (the normalised file: long-form volumes and ports resolved). */
export type ComposeService = {
  image?: string;
  build?: { context: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: Array<{ type: string; source?: string; target: string; read_only?: boolean }>;
  ports?: Array<{ host_ip?: string; published?: number | string; target: number }>;
};

/** The normalised compose file `docker-compose config` prints. */
export type ComposeConfig = { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };

/**
 * Parses `docker-compose config` output. Debian's docker-compose 1.29 prints short-form volumes and ports
 * (`/src:/dst:ro`, `127.0.0.1:9090:9090/tcp`); both forms are turned into the long form here.
 */
export function parseComposeConfig(text: string): ComposeConfig {
  const raw = parse(text) as { services: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown> };
  const services: Record<string, ComposeService> = {};
  for (const [name, svc] of Object.entries(raw.services)) {
    services[name] = {
      ...(svc as ComposeService),
      volumes: ((svc.volumes as unknown[] | undefined) ?? []).map(longVolume),
      ports: ((svc.ports as unknown[] | undefined) ?? []).map(longPort),
    };
  }
  return { services, volumes: raw.volumes };
}

function longVolume(v: unknown): NonNullable<ComposeService['volumes']>[number] {
  if (typeof v !== 'string') return v as NonNullable<ComposeService['volumes']>[number];
  const [source = '', target = '', mode = 'rw'] = v.split(':');
  return {
    type: source.startsWith('/') || source.startsWith('.') ? 'bind' : 'volume',
    source,
    target,
    read_only: mode.split(',').includes('ro'),
  };
}

function longPort(p: unknown): NonNullable<ComposeService['ports']>[number] {
  if (typeof p !== 'string') return p as NonNullable<ComposeService['ports']>[number];
  const parts = p.replace(/\/(tcp|udp)$/, '').split(':');
  const target = Number(parts.pop());
  const published = parts.pop();
  return { host_ip: parts.pop(), published, target: Number.isNaN(target) ? 0 : target };
}

/**
 * Copies a service's single-file bind mounts under `root` at their paths inside the container (e.g.
 * `root/etc/prometheus/prometheus.yml`), so a tool run there resolves relative paths as the container would.
 * Directory mounts and named volumes are skipped. Returns the container paths laid out.
 */
export function layOutBindMounts(service: ComposeService, root: string, isFile: (path: string) => boolean): string[] {
  const laidOut: string[] = [];
  for (const v of service.volumes ?? []) {
    if (v.type !== 'bind' || !v.source || !isFile(v.source)) continue;
    const dest = join(root, v.target);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(v.source, dest);
    laidOut.push(v.target);
  }
  return laidOut;
}
