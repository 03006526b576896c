import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgentProcess, writeAgentConfig, type AgentProcess } from './ctlProcess';
import { EngineStallProxy } from './engineStallProxy';
import { parseExposition, valueOf } from './exposition';
import { freePort } from './freePort';

/** A `dockwatch agent` process whose engine is dockerd behind an {@link EngineStallProxy}. */
export type EngineStallRig = {
  proxy: EngineStallProxy;
  agent: AgentProcess;
  /** `http://127.0.0.1:PORT`: /metrics and the control API. */
  url: string;
  /** The agent's config file (ctl on the same data dir reads it too). */
  configFile: string;
  /** One series' value from a fresh scrape (undefined when absent). */
  metric(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  /** GET /metrics: its status and how long it took. */
  timedScrape(): Promise<{ status: number; ms: number }>;
  /** Stops the agent and the proxy, removes the temp dir. */
  stop(): Promise<void>;
};

/** What the rig's agent is configured with besides the proxy as its engine. */
export type EngineStallRigOptions = {
  hostName: string;
  /** `docker.stallTimeout`, e.g. `4s`. */
  stallTimeout: string;
  /** More top-level config lines (alerts, notifiers, stats). */
  more?: string[];
};

/** Config lines: a `crashed` event rule (exit codes other than 0, 137, 143) routed at once to a webhook `hook`. */
export function crashAlertToWebhook(hookUrl: string): string[] {
  return [
    'alerts:',
    '  groupWait: 100ms',
    '  rules:',
    '    - { name: crashed, kind: event, event: die, ignoreExitCodes: [0, 137, 143] }',
    '  routes:',
    '    - { notifiers: [hook] }',
    'notifiers:',
    `  - { name: hook, type: webhook, url: "${hookUrl}/hook" }`,
  ];
}

/** Starts the proxy in front of dockerd and an agent process on it, ready (its first sampling pass done). */
export async function startEngineStallRig(options: EngineStallRigOptions): Promise<EngineStallRig> {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-stall-rig-'));
  const proxy = await EngineStallProxy.start();
  const port = await freePort();
  const configFile = join(dir, 'agent.yaml');
  writeAgentConfig(configFile, { dataDir: join(dir, 'data'), port, hostName: options.hostName }, [
    'docker:',
    `  host: "${proxy.host}"`,
    `  stallTimeout: ${options.stallTimeout}`,
    ...(options.more ?? []),
  ]);
  let agent: AgentProcess;
  try {
    agent = await startAgentProcess(configFile, port);
  } catch (err) {
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    proxy,
    agent,
    url,
    configFile,
    async metric(name, labels = {}) {
      const res = await fetch(`${url}/metrics`);
      return valueOf(parseExposition(await res.text()), name, labels);
    },
    async timedScrape() {
      const started = performance.now();
      const res = await fetch(`${url}/metrics`);
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    },
    async stop() {
      proxy.resume();
      await agent.stop();
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
