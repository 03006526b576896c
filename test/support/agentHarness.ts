import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startAgent, type RunningAgent } from '../../app/agent';
import { createLogger } from '../../shared/logger';
import { loadConfig } from '../../config/load';
import { parseExposition, type Series } from './exposition';
import { waitFor } from './waitFor';

/** An agent running in the test process, with helpers to read its endpoints. */
export type TestAgent = {
  agent: RunningAgent;
  url: string;
  /** GET /metrics parsed into series. */
  scrape(): Promise<Series[]>;
  /** GET /metrics as text, with an optional Accept header. */
  scrapeText(accept?: string): Promise<{ status: number; contentType: string; body: string }>;
  stop(): Promise<void>;
};

/**
 * Starts an agent in-process from a YAML config (merged over fast test defaults: 1 s interval, a free loopback
 * port, only containers labelled dockwatch.test=1), through the same loader the CLI uses. On the test's own engine
 * (no docker.host in `yaml`), it returns once the agent has synced with the engine.
 */
export async function startTestAgent(yaml = '', env: NodeJS.ProcessEnv = {}): Promise<TestAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-agent-'));
  const file = join(dir, 'dockwatch.yaml');
  const base = [
    'agent:',
    '  listen: 127.0.0.1:0',
    `  dataDir: ${join(dir, 'data')}`,
    '  logLevel: warn',
    'stats:',
    '  interval: 1s',
    'containers:',
    '  include: { labels: { dockwatch.test: "1" } }',
  ].join('\n');
  writeFileSync(file, yaml ? mergeYaml(base, yaml) : base);
  const config = loadConfig({ file, env: { DOCKER_HOST: process.env.DOCKER_HOST, ...env } });
  const logger = createLogger({
    level: config.agent.logLevel,
    format: 'text',
    silent: !process.env.DOCKWATCH_TEST_LOG,
  });
  const agent = await startAgent(config, logger);
  // On the test's own engine, answer only once the agent has synced with it: a read before that is a 503 by design.
  const ownEngine = !(parse(yaml || '{}') as { docker?: { host?: unknown } } | null)?.docker?.host;
  if (ownEngine)
    await waitFor(async () => agent.engine.up, { what: 'the agent to sync with the engine', timeoutMs: 20_000 });
  const url = `http://127.0.0.1:${agent.address.port}`;
  const scrapeText = async (accept?: string) => {
    const res = await fetch(`${url}/metrics`, { headers: accept ? { accept } : {} });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
  };
  return {
    agent,
    url,
    scrapeText,
    scrape: async () => parseExposition((await scrapeText()).body),
    async stop() {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deep-merges the mappings of `extra` over `base` (both YAML). */
function mergeYaml(base: string, extra: string): string {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const prev = out[k];
      out[k] =
        prev && v && typeof prev === 'object' && typeof v === 'object' && !Array.isArray(v)
          ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
          : v;
    }
    return out;
  };
  return stringify(merge(parse(base) as Record<string, unknown>, (parse(extra) ?? {}) as Record<string, unknown>));
}
