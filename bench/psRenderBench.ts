import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openStore } from '../agent/store/database';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { buildCommandCore } from '../bot';
import type { AgentClient } from '../bot/agentClient';
import { renderDiscordReply } from '../bot/adapters/discord/discordRender';
import { renderSlack } from '../bot/adapters/slack/slackRender';
import { StaticFleet } from '../bot/staticFleet';
import { botSchema } from '../config/botSchema';
import { createLogger } from '../shared/logger';
import { markdownTable } from './markdownTable';
import { percentile } from './passTiming';

/*
 * `ps --all` over N containers without an engine or a network: the command core's answer, then its rendering for
 * Discord and for Slack, timed apart in one process (the CPU part of what discordPsBench measures end to end).
 */

const USAGE = 'usage: node dist/bench/psRenderBench.js [--counts 100,500,2000] [--runs 200] [--warmups 20]';

/** A running container as the inventory holds it, numbered. */
function benchRecord(i: number, now: number): ContainerRecord {
  return {
    id: `${i.toString(16).padStart(12, '0')}${'f'.repeat(52)}`,
    name: `bench-${i}`,
    image: 'dockwatch-test/busybox:1',
    imageId: 'sha256:0123456789abcdef',
    labels: { 'dockwatch.bench': '1' },
    state: 'running',
    health: i % 7 === 0 ? 'healthy' : 'none',
    restartCount: 0,
    startedAt: now / 1000 - 3600 - i,
    createdAt: now / 1000 - 7200,
    pid: 1000 + i,
    cgroupParent: '',
    networkMode: 'none',
    tty: false,
    logDriver: 'json-file',
    spec: { cpuPeriod: 100_000, cpuShares: 1024, memoryLimitBytes: 0 },
  };
}

async function measure(count: number, runs: number, warmups: number): Promise<string[]> {
  const records = Array.from({ length: count }, (_, i) => benchRecord(i, Date.now()));
  const agent = { hostName: () => 'bench', containers: async () => records } as unknown as AgentClient;
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-ps-render-'));
  try {
    const core = buildCommandCore({
      bot: botSchema.parse({
        roles: { admin: { commands: ['*'] } },
        members: [{ role: 'admin', consoleUsers: ['bench'] }],
        rateLimit: { commands: 1_000_000, per: '1m' },
      }),
      fleet: new StaticFleet([agent]),
      store: openStore(dir),
      logger: createLogger({ level: 'error', format: 'text', silent: true }),
    });
    const times = { core: [] as number[], discord: [] as number[], slack: [] as number[] };
    for (let i = 0; i < warmups + runs; i++) {
      const t0 = performance.now();
      const reply = await core.handle({ identity: { platform: 'console', userId: 'bench' }, text: ['ps', '--all'] });
      const t1 = performance.now();
      renderDiscordReply(reply);
      const t2 = performance.now();
      renderSlack(reply);
      const t3 = performance.now();
      if (reply.table?.rows.length !== count) throw new Error(`ps listed ${reply.table?.rows.length} of ${count}`);
      if (i < warmups) continue;
      times.core.push(t1 - t0);
      times.discord.push(t2 - t1);
      times.slack.push(t3 - t2);
    }
    const cell = (v: number[]) => `${percentile(v, 50).toFixed(2)} / ${percentile(v, 99).toFixed(2)}`;
    return [String(count), cell(times.core), cell(times.discord), cell(times.slack)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      counts: { type: 'string', default: '100,500,2000' },
      runs: { type: 'string', default: '200' },
      warmups: { type: 'string', default: '20' },
    },
  });
  const counts = values.counts.split(',').map(Number);
  const runs = Number(values.runs);
  const warmups = Number(values.warmups);
  if (counts.some((n) => !Number.isInteger(n) || n < 1) || !(runs >= 1) || !(warmups >= 0)) throw new Error(USAGE);
  const rows: string[][] = [];
  for (const count of counts) rows.push(await measure(count, runs, warmups));
  const header = ['containers', 'core p50 / p99 ms', 'Discord render p50 / p99 ms', 'Slack render p50 / p99 ms'];
  const load = loadavg()[0]?.toFixed(2);
  process.stdout.write(`ps --all, ${runs} runs after ${warmups} warm-ups, load ${load}\n\n`);
  process.stdout.write(`${markdownTable(header, rows).join('\n')}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
