import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './agentProcess';
import { keepOutput, stopChild } from './childProcess';

/** Label on every container of this bench (the agent selects on it; cleanup removes what carries it). */
export const ALERT_BENCH_LABEL = 'dockwatch.bench';
/** Value of {@link ALERT_BENCH_LABEL} on this bench's containers. */
export const ALERT_BENCH_VALUE = 'alerts';
/** Label saying which scenario a container belongs to; each rule selects one scenario. */
export const SCENARIO_LABEL = 'dockwatch.bench.scenario';

/** The rules of the agent under test, one per scenario, named after it. */
export const BENCH_RULES = {
  log: 'bench-log-line',
  die: 'bench-die',
  oom: 'bench-oom',
} as const;

/** What the agent under test is configured with. */
export type AlertAgentOptions = {
  /** Compiled CLI (`dist/cli.js`). */
  cliPath: string;
  webhookUrl: string;
  /** Durations as the config writes them (`0s`, `100ms`). */
  groupWait: string;
  groupWindow: string;
  /** Extra node flags for the agent, e.g. `--cpu-prof --cpu-prof-dir=DIR`. */
  nodeArgs?: string[];
};

/** The agent under test, running as `node dist/cli.js run` in its own process. */
export type AlertAgent = { pid: number; url: string; config: string; output: () => string; stop: () => Promise<void> };

/** The agent's YAML: only this bench's containers, one rule per scenario, every alert to the bench's webhook. */
export function alertAgentConfig(dataDir: string, opts: AlertAgentOptions): string {
  const only = (scenario: string) => `containers: { labels: { ${SCENARIO_LABEL}: ${scenario} } }`;
  return [
    'agent:',
    `  dataDir: ${dataDir}`,
    '  logLevel: warn',
    'containers:',
    `  include: { labels: { ${ALERT_BENCH_LABEL}: ${ALERT_BENCH_VALUE} } }`,
    'alerts:',
    `  groupWait: ${opts.groupWait}`,
    `  groupWindow: ${opts.groupWindow}`,
    '  rules:',
    `    - { name: ${BENCH_RULES.log}, kind: log, match: 'ERROR code=\\d+', resolveAfter: 1h, ${only('log')} }`,
    `    - { name: ${BENCH_RULES.die}, kind: event, event: die, resolveAfter: 1h, ${only('die')} }`,
    `    - { name: ${BENCH_RULES.oom}, kind: event, event: oom, resolveAfter: 1h, ${only('oom')} }`,
    '  routes:',
    '    - { notifiers: [bench-hook] }',
    'notifiers:',
    `  - { name: bench-hook, type: webhook, url: "${opts.webhookUrl}", timeout: 5s }`,
    '',
  ].join('\n');
}

/** Starts the agent on a free loopback port and waits until /readyz answers 200 (its first sampling pass). */
export async function startAlertAgent(opts: AlertAgentOptions): Promise<AlertAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-alert-bench-'));
  const config = join(dir, 'bench.yaml');
  writeFileSync(config, alertAgentConfig(join(dir, 'data'), opts));
  const port = await freePort();
  const args = [...(opts.nodeArgs ?? []), opts.cliPath, 'run', '--listen', `127.0.0.1:${port}`, '--config', config];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = keepOutput(child, 64_000);
  if (child.pid === undefined) throw new Error(`could not start the agent: ${process.execPath} ${args.join(' ')}`);
  const agent: AlertAgent = {
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    config: alertAgentConfig('<temp dir>', { ...opts, webhookUrl: '<receiver>' }),
    output,
    async stop() {
      await stopChild(child, 15_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the agent exited with ${child.exitCode}:\n${output()}`);
    const ready = await fetch(`${agent.url}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) return agent;
    if (Date.now() > deadline) {
      await agent.stop();
      throw new Error(`the agent was not ready within 30 s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
