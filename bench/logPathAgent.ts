import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './agentProcess';
import { keepOutput, stopChild } from './childProcess';
import { LOG_BENCH_LABEL, LOG_BENCH_VALUE } from './logPathContainers';

/** The node flags the `dockwatch` binary runs with (its shebang). */
export const BINARY_NODE_FLAGS = ['--optimize-for-size', '--v8-pool-size=2'];

/** The agent under test, running as `node <binary flags> dist/cli.js run` in its own process. */
export type LogPathAgent = {
  pid: number;
  url: string;
  output: () => string;
  /** The agent's /metrics text. */
  metrics: () => Promise<string>;
  stop: () => Promise<void>;
};

/**
 * The agent's YAML: only this bench's containers, two log rules that no bench line matches (a literal and a regex,
 * so the prefilter and the regex engine are both on the path), routed to a webhook that is never called.
 */
export function logPathAgentConfig(dataDir: string): string {
  return [
    'agent:',
    `  dataDir: ${JSON.stringify(dataDir)}`,
    '  logLevel: warn',
    'containers:',
    `  include: { labels: { ${LOG_BENCH_LABEL}: ${LOG_BENCH_VALUE} } }`,
    'alerts:',
    '  rules:',
    '    - { name: bench-fatal, kind: log, contains: "FATAL", resolveAfter: 1h }',
    "    - { name: bench-panic, kind: log, match: 'panic: .*|OutOfMemoryError', resolveAfter: 1h }",
    '  routes:',
    '    - { notifiers: [bench-hook] }',
    'notifiers:',
    '  - { name: bench-hook, type: webhook, url: "http://127.0.0.1:9/never", timeout: 1s }',
    '',
  ].join('\n');
}

/**
 * Starts the agent on a free loopback port and waits until /healthz answers 200 (not /readyz: its first sampling pass
 * waits for the engine's disk usage, which takes minutes on an engine with thousands of containers).
 */
export async function startLogPathAgent(cliPath: string, nodeArgs: readonly string[]): Promise<LogPathAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-logbench-'));
  const config = join(dir, 'bench.yaml');
  writeFileSync(config, logPathAgentConfig(join(dir, 'data')));
  const port = await freePort();
  const args = [...BINARY_NODE_FLAGS, ...nodeArgs, cliPath, 'run', '--listen', `127.0.0.1:${port}`, '--config', config];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = keepOutput(child, 16_000);
  if (child.pid === undefined) throw new Error(`could not start the agent: ${process.execPath} ${args.join(' ')}`);
  const url = `http://127.0.0.1:${port}`;
  const agent: LogPathAgent = {
    pid: child.pid,
    url,
    output,
    metrics: async () => {
      const res = await fetch(`${url}/metrics`);
      if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
      return res.text();
    },
    async stop() {
      await stopChild(child, 15_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the agent exited with ${child.exitCode}:\n${output()}`);
    const ready = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) return agent;
    if (Date.now() > deadline) {
      await agent.stop();
      throw new Error(`the agent was not ready within 120 s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sum of a counter or gauge over the series whose `name` label is one of `names` (any name when undefined). */
export function sumSeries(exposition: string, family: string, names?: ReadonlySet<string>): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(family) || (line[family.length] !== '{' && line[family.length] !== ' ')) continue;
    const name = /[{,]name="([^"]*)"/.exec(line)?.[1];
    if (names && (name === undefined || !names.has(name))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
