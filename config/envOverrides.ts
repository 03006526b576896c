import type { ValueSource } from './keyPath';
import { setAtPath } from './keyPath';
import { configSchema } from './schema';
import type { ConfigLeaf } from './schemaWalk';
import { configLeaves } from './schemaWalk';

/** Env var naming the config file; it is not an override. */
export const CONFIG_FILE_ENV = 'DOCKWATCH_CONFIG';

/** One env var that overrides one config leaf. */
export type EnvOverride = ConfigLeaf & { name: string };

/** `DOCKWATCH_` + the key path in SCREAMING_SNAKE: `stats.fsUsageInterval` → `DOCKWATCH_STATS_FS_USAGE_INTERVAL`. */
export function envVarName(path: readonly string[]): string {
  const words = path.map((key) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());
  return `DOCKWATCH_${words.join('_')}`;
}

/** Every env override, derived from the schema so the list cannot drift (string lists are comma-separated). */
export const ENV_OVERRIDES: readonly EnvOverride[] = configLeaves(configSchema)
  .map((leaf) => ({ name: envVarName(leaf.path), ...leaf }))
  .filter((o) => o.name !== CONFIG_FILE_ENV);

/** Writes each set (non-empty) override into the raw config; returns where each value came from. */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): ValueSource[] {
  const sources: ValueSource[] = [];
  for (const override of ENV_OVERRIDES) {
    const value = env[override.name];
    if (value === undefined || value === '') continue;
    if (setAtPath(raw, override.path, override.kind === 'stringList' ? splitList(value) : value)) {
      sources.push({ path: override.path, source: `env ${override.name}` });
    }
  }
  return sources;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
