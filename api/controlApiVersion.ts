import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** dockwatch's version from package.json, found from the sources and from dist/ alike; `0.0.0` if unreadable. */
export function agentVersion(): string {
  for (const dir of [join(__dirname, '..'), join(__dirname, '..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'dockwatch' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      continue;
    }
  }
  return '0.0.0';
}
