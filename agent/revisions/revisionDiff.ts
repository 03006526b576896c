import type { CreateSpec } from './createSpec';
import { normalizeSpec } from './normalizeSpec';

/** A container as the revision logic compares it: its image and its create spec. */
export type ContainerVersion = { imageId: string; spec: CreateSpec };

const SECTIONS = { config: 'Config', hostConfig: 'HostConfig', networks: 'Networks' } as const;

/**
 * What differs between two versions, as key paths (`Image`, `Config.Env`, `HostConfig.Memory`, `Networks.front`),
 * compared in normalized form so engine defaults do not count. Names only: values (env secrets) never appear.
 */
export function versionDifferences(a: ContainerVersion, b: ContainerVersion): string[] {
  const out: string[] = a.imageId === b.imageId ? [] : ['Image'];
  const na = normalizeSpec(a.spec);
  const nb = normalizeSpec(b.spec);
  for (const [section, label] of Object.entries(SECTIONS) as [keyof CreateSpec, string][]) {
    const keys = new Set([...Object.keys(na[section]), ...Object.keys(nb[section])]);
    for (const key of [...keys].sort()) {
      const left = (na[section] as Record<string, unknown>)[key];
      const right = (nb[section] as Record<string, unknown>)[key];
      if (JSON.stringify(left) !== JSON.stringify(right)) out.push(`${label}.${key}`);
    }
  }
  return out;
}

/** Whether `candidate` needs a new revision after `latest` (none yet, another image, or another create config). */
export function needsRevision(latest: ContainerVersion | undefined, candidate: ContainerVersion): boolean {
  return latest === undefined || versionDifferences(latest, candidate).length > 0;
}
