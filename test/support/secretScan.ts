import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactConfig, SECRET_PLACEHOLDER } from '../../config/redact';
import type { Config } from '../../config/schema';

/** One secret a configuration holds: its config path (`notifiers[2].url`) and value. */
export type ConfigSecret = { path: string; value: string };

/** A secret as recorded for the scan: where its config came from as well. */
export type RecordedSecret = ConfigSecret & { source: string };

/** One log line that holds a secret: the file, the line number (from 1), and the secret's path and source. */
export type SecretFinding = { file: string; line: number; path: string; source: string };

/** What a scan read and found. */
export type ScanResult = {
  files: number;
  lines: number;
  /** Of these, lines of in-process loggers (files named {@link IN_PROCESS_PREFIX}…) and of dockwatch processes. */
  inProcessLines: number;
  processLines: number;
  /** Distinct secret values scanned for, and the configs they came from. */
  secrets: number;
  sources: number;
  /** Paths of secrets too short to scan for without matching ordinary text. */
  tooShort: string[];
  findings: SecretFinding[];
};

/** The file, in the capture directory, that holds the recorded secrets (one JSON object a line). */
export const SECRETS_FILE = 'secrets.jsonl';

/** How the capture files of in-process loggers are named (the others hold what dockwatch processes wrote). */
export const IN_PROCESS_PREFIX = 'jest-';

/** Marks the path-and-query part of a secret URL in a finding. */
const PATH_SUFFIX = ' (its path)';

/** Secrets shorter than this are not scanned for (they would match ordinary words); the scan lists them. */
export const MIN_SECRET_LENGTH = 6;

/**
 * Every secret `config` holds, found where the config loader's own redaction puts `<secret>` (so the list of secret
 * fields is the schema's, not a second one), and for a secret URL also its path and query (a webhook's secret part).
 */
export function configSecrets(config: Config): ConfigSecret[] {
  const found: ConfigSecret[] = [];
  const walk = (value: unknown, redacted: unknown, path: string): void => {
    if (redacted === SECRET_PLACEHOLDER && typeof value === 'string' && value !== SECRET_PLACEHOLDER) {
      found.push({ path, value });
      const secretPart = urlSecretPart(value);
      if (secretPart) found.push({ path: `${path}${PATH_SUFFIX}`, value: secretPart });
    } else if (Array.isArray(value) && Array.isArray(redacted)) {
      value.forEach((item, i) => walk(item, redacted[i], `${path}[${i}]`));
    } else if (isMapping(value) && isMapping(redacted)) {
      for (const [key, item] of Object.entries(value)) walk(item, redacted[key], path ? `${path}.${key}` : key);
    }
  };
  walk(config, redactConfig(config), '');
  return found;
}

/** Appends the secrets of `config` to the capture directory's {@link SECRETS_FILE}, naming `source`. */
export function recordSecrets(dir: string, config: Config, source: string): void {
  const lines = configSecrets(config).map((s) => `${JSON.stringify({ ...s, source } satisfies RecordedSecret)}\n`);
  if (lines.length > 0) appendFileSync(join(dir, SECRETS_FILE), lines.join(''), { mode: 0o600 });
}

/** Reads every `*.log` file in `dir` and reports each line that holds a recorded secret (never the value itself). */
export function scanLogs(dir: string): ScanResult {
  const recorded = readRecordedSecrets(dir);
  const byValue = new Map<string, RecordedSecret>();
  for (const secret of recorded) if (!byValue.has(secret.value)) byValue.set(secret.value, secret);
  const tooShort = [...byValue.values()].filter((s) => s.value.length < MIN_SECRET_LENGTH).map((s) => s.path);
  const needles = [...byValue.values()].filter((s) => s.value.length >= MIN_SECRET_LENGTH);
  const files = readdirSync(dir).filter((f) => f.endsWith('.log'));
  const findings: SecretFinding[] = [];
  let lines = 0;
  let inProcessLines = 0;
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    text.split('\n').forEach((line, i) => {
      if (line === '') return;
      lines += 1;
      if (file.startsWith(IN_PROCESS_PREFIX)) inProcessLines += 1;
      const held = needles.filter((secret) => line.includes(secret.value));
      const paths = new Set(held.map((secret) => secret.path));
      for (const secret of held) {
        // A whole URL in a line also holds its path: name it once.
        if (secret.path.endsWith(PATH_SUFFIX) && paths.has(secret.path.slice(0, -PATH_SUFFIX.length))) continue;
        findings.push({ file, line: i + 1, path: secret.path, source: secret.source });
      }
    });
  }
  const sources = new Set(recorded.map((s) => s.source)).size;
  return {
    files: files.length,
    lines,
    inProcessLines,
    processLines: lines - inProcessLines,
    secrets: byValue.size,
    sources,
    tooShort: [...new Set(tooShort)],
    findings,
  };
}

function readRecordedSecrets(dir: string): RecordedSecret[] {
  let text: string;
  try {
    text = readFileSync(join(dir, SECRETS_FILE), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RecordedSecret);
}

/** The path and query of an http(s) URL when there is more to it than `/`, else undefined. */
/**
 * The path and query of a secret URL when they hold something token-like (a part of 8 or more characters with both
 * letters and digits, as a webhook's token is): `https://hooks.example/dockwatch` is secret as a whole, but its path
 * `/dockwatch` is an ordinary word that every data dir path holds.
 */
function urlSecretPart(value: string): string | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    const { pathname, search } = new URL(value);
    const part = pathname + search;
    const tokenLike = part.split(/[/?&=]/).some((p) => p.length >= 8 && /[a-z]/i.test(p) && /\d/.test(p));
    return part.length >= MIN_SECRET_LENGTH && tokenLike ? part : undefined;
  } catch {
    return undefined;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
