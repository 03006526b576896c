import { join } from 'node:path';
import type { ContainerRecord } from '../inventory/containerRecord';
import { pathExists } from './optionalFile';

/**
 * Expands a systemd slice name into its cgroup path: `my-app.slice` lives at `my.slice/my-app.slice`
 * (every dash opens a nested slice), `-.slice` is the root.
 */
export function expandSystemdSlice(slice: string): string {
  if (slice === '-.slice') return '';
  const name = slice.slice(0, -'.slice'.length);
  const parts = name.split('-');
  const path: string[] = [];
  for (let i = 1; i <= parts.length; i++) path.push(`${parts.slice(0, i).join('-')}.slice`);
  return path.join('/');
}

/**
 * Where a container's cgroup may live, relative to a hierarchy root, most likely first: `<parent or docker>/<id>`
 * (cgroupfs driver), `<parent slice>/docker-<id>.scope` when the parent is a systemd slice, and
 * `system.slice/docker-<id>.scope` (systemd driver, default parent).
 */
export function cgroupPathCandidates(id: string, cgroupParent: string): string[] {
  const parent = cgroupParent.replace(/^\/+|\/+$/g, '');
  const candidates = [`${parent || 'docker'}/${id}`];
  if (parent.endsWith('.slice')) {
    if (!parent.includes('/')) {
      const expanded = expandSystemdSlice(parent);
      candidates.push(expanded ? `${expanded}/docker-${id}.scope` : `docker-${id}.scope`);
    }
    candidates.push(`${parent}/docker-${id}.scope`);
  }
  candidates.push(`system.slice/docker-${id}.scope`);
  return [...new Set(candidates)];
}

/**
 * Finds each container's cgroup directory under one hierarchy (the first candidate that exists) and remembers it
 * per container ID; IDs no longer passed to `retainOnly` are forgotten. A container without a cgroup yet is
 * looked up again next time.
 */
export class CgroupPathResolver {
  private readonly resolved = new Map<string, string>();

  constructor(private readonly hierarchyDir: string) {}

  /** The cgroup path relative to the hierarchy root, with a leading slash (`/docker/<id>`); undefined when absent. */
  async resolve(container: Pick<ContainerRecord, 'id' | 'cgroupParent'>): Promise<string | undefined> {
    const known = this.resolved.get(container.id);
    if (known !== undefined) return known;
    for (const candidate of cgroupPathCandidates(container.id, container.cgroupParent)) {
      if (await pathExists(join(this.hierarchyDir, candidate))) {
        const path = `/${candidate}`;
        this.resolved.set(container.id, path);
        return path;
      }
    }
    return undefined;
  }

  /** Forgets every container whose ID is not in `ids`. */
  retainOnly(ids: ReadonlySet<string>): void {
    for (const id of this.resolved.keys()) if (!ids.has(id)) this.resolved.delete(id);
  }

  /** How many containers have a remembered path (for tests and self-metrics). */
  get size(): number {
    return this.resolved.size;
  }
}
