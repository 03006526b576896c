import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import Docker from 'dockerode';
import { startAgent, type RunningAgent } from '../app/agent';
import type { RoundReport } from '../agent/images/updateChecker';
import { createUpdateChecker } from '../agent/images/updateCheckService';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { createLogger } from '../shared/logger';
import { pushTestApp, startRegistry, type PushedTestApp, type RunningRegistry } from '../test/support/registry';
import { retag } from '../test/support/registryManifests';
import { waitFor } from '../test/support/waitFor';
import { benchAgentConfig } from './benchAgentConfig';
import { progress, renderBenchReport } from './benchCli';
import { integerOption } from './benchOptions';
import { median } from './passTiming';

const USAGE = 'usage: node dist/bench/updateCheckBench.js [--containers 100] [--rounds 5]';
const LABEL = 'dockwatch.bench.update';
const run = promisify(execFile);
const docker = (...args: string[]) => run('docker', args, { timeout: 120_000 }).then((r) => r.stdout.trim());
const logger = createLogger({ level: 'error', format: 'text', silent: true });

type Scenario = {
  name: string;
  refs: number;
  requestsPerRegistry: number;
  records: () => ContainerRecord[];
  before?: () => Promise<void>;
};

type Measured = { report: RoundReport; cpuMs: number; wallMs: number };

/** One round of a fresh checker (so no token or manifest is cached from a previous scenario), timed. */
async function measure(agent: RunningAgent, s: Scenario, rounds: number): Promise<Measured[]> {
  const out: Measured[] = [];
  for (let i = 0; i < rounds; i++) {
    const checker = createUpdateChecker({
      config: { enabled: true, interval: 6 * 3_600_000, requestsPerRegistry: s.requestsPerRegistry, optOutLabel: 'x' },
      credentials: agent.credentials,
      docker: () => agent.engine.client,
      containers: s.records,
      onNotice: () => undefined,
      logger,
    });
    for (let attempt = 1; ; attempt++) {
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      const report = await checker.checkNow();
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      const used = process.cpuUsage(cpu);
      if (report.skipped && attempt < 5) {
        progress(`round skipped (${report.skipped}); again`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (report.skipped) throw new Error(`the update check did not run: ${report.skipped}`);
      out.push({ report, cpuMs: (used.user + used.system) / 1000, wallMs });
      break;
    }
    await checker.stop();
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { containers: { type: 'string', default: '100' }, rounds: { type: 'string', default: '5' } },
  });
  const count = integerOption('containers', values.containers, 1, USAGE);
  const rounds = integerOption('rounds', values.rounds, 1, USAGE);
  const id = randomBytes(3).toString('hex');
  const repo = `bench/update-${id}`;
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-update-bench-'));
  const engine = new Docker();
  let registry: RunningRegistry | undefined;
  let agent: RunningAgent | undefined;
  const tags = Array.from({ length: count }, (_, i) => `t${String(i).padStart(3, '0')}`);
  try {
    progress('starting the registry and pushing the test app');
    registry = await startRegistry();
    const reg = registry;
    const app: PushedTestApp = await pushTestApp(reg, repo);
    progress(`tagging v1 as ${count} tags, pulling each, running ${count} containers (network none)`);
    for (const tag of tags) await retag(reg, repo, 'v1', tag);
    for (const tag of tags) await docker('pull', '-q', `${app.name}:${tag}`);
    for (let i = 0; i < tags.length; i += 8) {
      await Promise.all(
        tags.slice(i, i + 8).map(async (tag) => {
          const c = await engine.createContainer({
            name: `dwbench-update-${id}-${tag}`,
            Image: `${app.name}:${tag}`,
            Cmd: ['sleep', '100000'],
            Labels: { [LABEL]: '1' },
            HostConfig: { NetworkMode: 'none' },
          });
          await c.start();
        }),
      );
    }
    const config = benchAgentConfig(dir, 'error', [
      'stats: { interval: 1h }',
      `containers: { include: { labels: { ${LABEL}: "1" } } }`,
      'images: { usageInterval: 1h, updateCheck: { enabled: false } }',
    ]);
    agent = await startAgent(config, logger);
    const a = agent;
    await waitFor(async () => a.inventory.all().filter((c) => c.state === 'running').length >= count, {
      what: `the agent to list ${count} running containers`,
      timeoutMs: 60_000,
    });
    const real = () => a.inventory.all().filter((c) => c.state === 'running' && c.labels[LABEL] === '1');
    const shared = () => {
      const first = real().find((c) => c.image.endsWith(':t000'));
      return first ? real().map((c) => ({ ...c, image: first.image, imageId: first.imageId })) : [];
    };
    const scenarios: Scenario[] = [
      { name: `${count} tags, none moved (HEAD only)`, refs: count, requestsPerRegistry: 10_000, records: real },
      {
        name: `${count} tags, all moved (HEAD + GET)`,
        refs: count,
        requestsPerRegistry: 10_000,
        records: real,
        before: async () => {
          progress('moving every tag to v2');
          for (const tag of tags) await retag(reg, repo, 'v2', tag);
        },
      },
      { name: `${count} tags, all moved, default budget 100`, refs: count, requestsPerRegistry: 100, records: real },
      { name: `1 tag shared by ${count} containers, moved`, refs: 1, requestsPerRegistry: 100, records: shared },
    ];
    const lines = [
      '| scenario | containers | image refs | requests | checked | deferred | CPU ms (median) | wall ms (median) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    const details: string[] = [];
    for (const s of scenarios) {
      await s.before?.();
      progress(`measuring: ${s.name}`);
      const m = await measure(a, s, rounds);
      const r = m[0]!.report;
      const requests = Object.values(r.requests).reduce((x, y) => x + y, 0);
      const checked = r.results.update + r.results.current;
      const cpu = median(m.map((x) => x.cpuMs));
      const wall = median(m.map((x) => x.wallMs));
      lines.push(
        `| ${s.name} | ${r.containers} | ${s.refs} | ${requests} | ${checked} | ${r.results.deferred} | ${cpu.toFixed(1)} | ${wall.toFixed(1)} |`,
      );
      details.push(
        `- ${s.name}: CPU ms ${m.map((x) => x.cpuMs.toFixed(1)).join(', ')}; wall ms ${m.map((x) => x.wallMs.toFixed(1)).join(', ')}; results ${JSON.stringify(r.results)}`,
      );
    }
    const environment = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Linux ${release()}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}; registry: Debian's docker-registry on 127.0.0.1 (plain http, no auth); ${rounds} rounds per scenario, each with a fresh checker`;
    process.stdout.write(
      renderBenchReport({
        title: `Update check at ${count} containers`,
        command: `node dist/bench/updateCheckBench.js --containers ${count} --rounds ${rounds}`,
        environment,
        main: lines,
        targets: [],
        details,
      }),
    );
  } finally {
    progress('cleaning up');
    await agent?.stop().catch(() => undefined);
    const left = await engine.listContainers({ all: true, filters: { label: [`${LABEL}=1`] } });
    for (const c of left)
      await engine
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
    if (registry) {
      const refs = tags.map((t) => `${registry!.host}/${repo}:${t}`);
      for (let i = 0; i < refs.length; i += 50)
        await docker('rmi', '--no-prune', ...refs.slice(i, i + 50)).catch(() => undefined);
      await registry.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
