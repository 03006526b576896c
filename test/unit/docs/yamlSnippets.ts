import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../../config/load';
import { configSchema } from '../../../config/schema';

/** Top-level keys of the YAML files of other tools the docs show, by tool; a block of one of these is not checked. */
const FOREIGN_KEYS: Record<string, readonly string[]> = {
  Prometheus: ['global', 'scrape_configs', 'rule_files', 'alerting', 'remote_write', 'groups'],
  Alertmanager: ['route', 'receivers', 'inhibit_rules', 'templates'],
  Kubernetes: ['apiVersion', 'kind', 'metadata', 'spec', 'data'],
  'docker compose': ['services', 'volumes', 'networks', 'secrets', 'configs', 'version'],
};

/** What a YAML block of the docs is: a dockwatch configuration, another tool's file, or neither (a docs bug). */
export type YamlSnippetKind =
  { kind: 'dockwatch' } | { kind: 'foreign'; tool: string } | { kind: 'neither'; why: string };

/** Decides by its top-level keys whether a YAML block is a dockwatch configuration (a fragment counts). */
export function classifyYaml(text: string): YamlSnippetKind {
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    return { kind: 'neither', why: `not YAML: ${(err as Error).message.split('\n')[0] ?? ''}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'neither', why: 'not a mapping' };
  }
  const keys = Object.keys(value);
  const dockwatchKeys = Object.keys(configSchema.shape);
  if (keys.every((k) => dockwatchKeys.includes(k))) return { kind: 'dockwatch' };
  const tool = Object.entries(FOREIGN_KEYS).find(([, known]) => keys.every((k) => known.includes(k)))?.[0];
  if (tool) return { kind: 'foreign', tool };
  return { kind: 'neither', why: `top-level keys ${keys.join(', ')} are neither dockwatch's nor a known tool's` };
}

/** A value for each `${VAR}` a snippet uses: a URL for names ending in URL, else a placeholder token. */
export function snippetEnv(text: string): NodeJS.ProcessEnv {
  const names = [...text.matchAll(/(?<!\$)\$\{(\w+)\}/g)].map((m) => m[1] ?? '');
  return Object.fromEntries(
    names.map((n) => [n, n.endsWith('_URL') ? `https://hooks.example.invalid/${n.toLowerCase()}` : `doc-${n}`]),
  );
}

/** Loads a configuration snippet with the real loader (as `dockwatch config check` does); the problems, or none. */
export function configSnippetProblems(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-docs-'));
  try {
    const file = join(dir, 'snippet.yaml');
    writeFileSync(file, text);
    loadConfig({ file, env: snippetEnv(text) });
    return [];
  } catch (err) {
    const problems = (err as { problems?: readonly string[] }).problems;
    return problems ? [...problems] : [String(err)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
