import type { ValueSource } from './keyPath';
import { setAtPath } from './keyPath';
import type { LOG_FORMATS, LOG_LEVELS } from './schema';

/** Command-line flags that override the config (highest precedence). */
export type FlagOverrides = {
  listen: string;
  dockerHost: string;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: (typeof LOG_FORMATS)[number];
};

/** Each flag's command-line spelling and the config key it sets. */
export const FLAG_OVERRIDES: Readonly<Record<keyof FlagOverrides, { flag: string; path: readonly string[] }>> = {
  listen: { flag: '--listen', path: ['agent', 'listen'] },
  dockerHost: { flag: '--docker-host', path: ['docker', 'host'] },
  dataDir: { flag: '--data-dir', path: ['agent', 'dataDir'] },
  logLevel: { flag: '--log-level', path: ['agent', 'logLevel'] },
  logFormat: { flag: '--log-format', path: ['agent', 'logFormat'] },
};

/** Writes each given flag into the raw config; returns where each value came from. */
export function applyFlagOverrides(raw: Record<string, unknown>, flags: Partial<FlagOverrides>): ValueSource[] {
  const sources: ValueSource[] = [];
  for (const key of Object.keys(FLAG_OVERRIDES) as (keyof FlagOverrides)[]) {
    const value = flags[key];
    const { flag, path } = FLAG_OVERRIDES[key];
    if (value !== undefined && setAtPath(raw, path, value)) sources.push({ path, source: flag });
  }
  return sources;
}
