import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { startAgent, type RunningAgent } from '../app/agent';
import type { DeployResult, DeployStep } from '../agent/actions/containerActions';
import { createLogger } from '../shared/logger';
import { pushTestApp, startRegistry, type PushedTestApp, type RunningRegistry } from '../test/support/registry';
import { waitFor } from '../test/support/waitFor';
import { benchAgentConfig } from './benchAgentConfig';
import { progress, renderBenchReport } from './benchCli';
import { integerOption, parseBenchOptions } from './benchOptions';
import { deployTable, stepTable, type DeployRound } from './deployTable';

const REPO_ROOT = join(__dirname, '..', '..');
const USAGE = 'usage: node dist/bench/deployBench.js [--runs 5] [--out bench/results/deploy.md]';
const LABEL = 'dockwatch.bench.deploy';
const POLL_MS = 250;

const run = promisify(execFile);
const docker = (...args: string[]) => run('docker', args, { timeout: 120_000 }).then((r) => r.stdout.trim());

/** What the bench works on: the registry with the test app, the agent, and the options both sides run with. */
type Rig = {
  registry: RunningRegistry;
  app: PushedTestApp;
  agent: RunningAgent;
  dir: string;
  network: string;
  volume: string;
  options: string[];
};

async function startRig(): Promise<Rig> {
  const id = randomBytes(3).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-deploy-bench-'));
  progress('starting the registry and pushing the test app v1, v2, v3');
  const registry = await startRegistry();
  const app = await pushTestApp(registry, `bench/deploy-${id}`);
  const network = `dwbench-deploy-${id}`;
  const volume = `dwbench-deploy-${id}`;
  await docker('network', 'create', network);
  await docker('volume', 'create', volume);
  const config = benchAgentConfig(dir, 'warn', [
    `containers: { include: { labels: { ${LABEL}: "1" } } }`,
    'revisions: { rollbackTimeout: 60s }',
  ]);
  const agent = await startAgent(config, createLogger({ level: 'warn', format: 'text', silent: true }));
  await waitFor(async () => agent.engine.up, { what: 'the agent to sync with the engine', timeoutMs: 30_000 });
  const options = [
    ...['--label', `${LABEL}=1`, '-e', 'GREETING=hello', '-e', 'APP_MODE=custom', '-p', '127.0.0.1::8080'],
    ...['-v', `${volume}:/data`, '--network', network, '--network-alias', 'web', '--restart', 'unless-stopped'],
    ...['--memory', '64m', '--stop-timeout', '1'],
  ];
  return { registry, app, agent, dir, network, volume, options };
}

async function stopRig(rig: Rig, names: string[]): Promise<void> {
  await rig.agent.stop();
  for (const name of names) await docker('rm', '-f', name).catch(() => undefined);
  await docker('network', 'rm', rig.network).catch(() => undefined);
  await docker('volume', 'rm', rig.volume).catch(() => undefined);
  const refs = Object.values(rig.app.versions).map((v) => v.ref);
  await docker('rmi', '--no-prune', ...refs).catch(() => undefined);
  const kept = await docker(
    'images',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    '--filter',
    'reference=dockwatch-keep/dwbench-*',
  ).catch(() => '');
  if (kept) await docker('rmi', '--no-prune', ...kept.split('\n')).catch(() => undefined);
  await rig.registry.stop();
  rmSync(rig.dir, { recursive: true, force: true });
}

/** A fresh v1 container under `name`, and v2's registry tag gone locally so both sides pull it from the registry. */
async function prepare(rig: Rig, name: string): Promise<void> {
  await docker('rm', '-f', name).catch(() => undefined);
  await docker('run', '-d', '--name', name, ...rig.options, rig.app.versions.v1.ref);
  await docker('rmi', '--no-prune', rig.app.versions.v2.ref).catch(() => undefined);
}

async function viaDockwatch(rig: Rig, name: string): Promise<Pick<DeployRound, 'dockwatchMs' | 'steps'>> {
  await prepare(rig, name);
  await waitFor(async () => rig.agent.inventory.all().some((r) => r.name === name), { what: `${name} watched` });
  const t0 = performance.now();
  const result = await rig.agent.actions.deploy(name, { image: rig.app.versions.v2.ref, requestedBy: 'bench' });
  const dockwatchMs = performance.now() - t0;
  if (result.outcome !== 'deployed') throw new Error(`dockwatch's deploy did not deploy: ${result.message}`);
  return { dockwatchMs, steps: stepTimes(result) };
}

function stepTimes(result: DeployResult): Partial<Record<DeployStep, number>> {
  const out: Partial<Record<DeployStep, number>> = {};
  for (const done of result.steps.filter((p) => p.status === 'done')) {
    const started = result.steps.find((p) => p.step === done.step && p.status === 'started');
    if (started) out[done.step] = done.at - started.at;
  }
  return out;
}

async function viaShell(rig: Rig, name: string): Promise<Pick<DeployRound, 'shellMs' | 'shellHealthyMs'>> {
  await prepare(rig, name);
  const ref = rig.app.versions.v2.ref;
  const quoted = [...rig.options, ref].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `docker pull -q '${ref}' >/dev/null && docker rm -f ${name} >/dev/null && docker run -d --name ${name} ${quoted}`;
  const t0 = performance.now();
  await run('sh', ['-c', script], { timeout: 120_000 });
  const shellMs = performance.now() - t0;
  for (;;) {
    const health = await docker('inspect', '-f', '{{.State.Health.Status}}', name);
    if (health === 'healthy') break;
    if (performance.now() - t0 > 120_000) throw new Error(`the shell's ${name} is not healthy after 120 s (${health})`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { shellMs, shellHealthyMs: performance.now() - t0 };
}

async function main(): Promise<void> {
  const values = parseBenchOptions(
    process.argv.slice(2),
    {
      runs: { type: 'string', default: '5' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'deploy.md') },
    },
    USAGE,
  );
  const runs = integerOption('runs', values.runs, 1, USAGE);
  const rig = await startRig();
  const id = randomBytes(2).toString('hex');
  const names = [`dwbench-deploy-dw-${id}`, `dwbench-deploy-sh-${id}`];
  const [dwName, shName] = names as [string, string];
  const rounds: DeployRound[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const first = i % 2 === 0 ? 'dockwatch' : 'shell';
      progress(`round ${i + 1}/${runs} (${first} first)`);
      const dw = first === 'dockwatch' ? await viaDockwatch(rig, dwName) : undefined;
      const shell = await viaShell(rig, shName);
      rounds.push({ first, ...shell, ...(dw ?? (await viaDockwatch(rig, dwName))) });
    }
  } finally {
    await stopRig(rig, names);
  }
  const report = renderBenchReport({
    title: 'deployBench: dockwatch deploy vs docker pull && docker rm -f && docker run',
    command: `node dist/bench/deployBench.js --runs ${runs}`,
    environment: `${cpus().length} CPUs, Linux ${release()}, load ${loadavg()[0]?.toFixed(2)} after the run; v1 → v2 of the test app from a local registry (layers already on the host), same options both sides (env, port, volume, network alias, restart policy, memory, --stop-timeout 1).`,
    main: deployTable(rounds),
    targets: [
      "dockwatch waits for the new container to be healthy before it answers and removes the old one only then; the shell's first figure stops when `docker run` returns, the second when the container reports healthy.",
    ],
    details: stepTable(rounds),
  });
  process.stdout.write(report);
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, report);
  progress(`written to ${relative(process.cwd(), values.out)}`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
