import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load';
import type { Config } from '../config/schema';

/**
 * Writes a bench agent's config to `dir`/dockwatch.yaml (a free loopback port, data under `dir`/data, `logLevel`,
 * then the `more` top-level lines) and loads it, with DOCKER_HOST from the environment.
 */
export function benchAgentConfig(dir: string, logLevel: 'warn' | 'error', more: readonly string[]): Config {
  const file = join(dir, 'dockwatch.yaml');
  writeFileSync(
    file,
    [
      'agent:',
      '  listen: 127.0.0.1:0',
      `  dataDir: ${JSON.stringify(join(dir, 'data'))}`,
      `  logLevel: ${logLevel}`,
      ...more,
    ].join('\n'),
  );
  return loadConfig({ file, env: { DOCKER_HOST: process.env.DOCKER_HOST } });
}
