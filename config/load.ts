import { resolve } from 'node:path';
import { ConfigError } from './configError';
import { expandEnvVars } from './envExpansion';
import { applyEnvOverrides, CONFIG_FILE_ENV } from './envOverrides';
import type { FlagOverrides } from './flagOverrides';
import { applyFlagOverrides } from './flagOverrides';
import { issueProblems } from './issueMessages';
import type { KeyPath, ValueSource } from './keyPath';
import { formatProblem, getAtPath, isMapping, isUnder, setAtPath } from './keyPath';
import { readConfigFile } from './readConfigFile';
import type { Config } from './schema';
import { configSchema } from './schema';

export type { FlagOverrides } from './flagOverrides';

/** Where the configuration comes from; later sources win: defaults < file < DOCKWATCH_* env overrides < flags. */
export type LoadConfigOptions = {
  /** Config file path; else env.DOCKWATCH_CONFIG; else none (defaults only). */
  file?: string;
  /** Process environment: `${VAR}` expansion, DOCKWATCH_* overrides, DOCKER_HOST fallback. */
  env: NodeJS.ProcessEnv;
  flags?: Partial<FlagOverrides>;
};

/** The absolute path of the config file `loadConfig` reads for these options, or undefined when it reads none. */
export function resolveConfigPath(opts: Pick<LoadConfigOptions, 'file' | 'env'>): string | undefined {
  const file = opts.file || opts.env[CONFIG_FILE_ENV];
  return file ? resolve(file) : undefined;
}

/** Loads, expands, overrides and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(opts: LoadConfigOptions): Config {
  const file = resolveConfigPath(opts);
  const problems: string[] = [];
  let raw: unknown = {};
  let unexpanded: KeyPath[] = [];
  if (file) {
    const expanded = expandEnvVars(readConfigFile(file, opts.file ? undefined : CONFIG_FILE_ENV), opts.env);
    raw = expanded.value;
    unexpanded = expanded.problems.map((p) => p.path);
    problems.push(...expanded.problems.map((p) => formatProblem(p, [])));
  }
  const sources = isMapping(raw) ? applyOverrides(raw, opts) : [];
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const schemaProblems = issueProblems(result.error.issues, configSchema);
    for (const p of schemaProblems) {
      if (!unexpanded.some((path) => isUnder(p.path, path))) problems.push(formatProblem(p, sources));
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems, file);
  return result.data;
}

/** Applies env overrides, then flags, then the DOCKER_HOST fallback when nothing set docker.host. */
function applyOverrides(raw: Record<string, unknown>, opts: LoadConfigOptions): ValueSource[] {
  const sources = [...applyEnvOverrides(raw, opts.env), ...applyFlagOverrides(raw, opts.flags ?? {})];
  const dockerHost = opts.env.DOCKER_HOST;
  const hostPath = ['docker', 'host'];
  if (getAtPath(raw, hostPath) === undefined && dockerHost && setAtPath(raw, hostPath, dockerHost)) {
    sources.push({ path: hostPath, source: 'env DOCKER_HOST' });
  }
  return sources;
}
