import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { cleanUpOnSignals, progress, renderBenchReport } from './benchCli';
import { integerListOption, integerOption, parseBenchOptions } from './benchOptions';
import { BENCH_IMAGE, BENCH_LABEL, BenchFleet, connectEngine, type BenchEngine, type BenchNetwork } from './benchFleet';
import { measureDockerPs, measureRoundTrips, spread } from './discordPsMeasure';
import { startDiscordPsRig, type DiscordPsRig } from './discordPsRig';
import { detailTable, mainTable, targetLines, type DiscordPsRow } from './discordPsTable';

/** Command-line options of the bench. */
type BenchOptions = {
  /** Largest first: the fleet left by an earlier run is measured before it shrinks. */
  counts: number[];
  network: BenchNetwork | 'auto';
  runs: number;
  warmups: number;
  paceMs: number;
  dockerPsRuns: number;
  remove: boolean;
  readyTimeoutMs: number;
  out: string;
};

const REPO_ROOT = join(__dirname, '..', '..');
const USAGE = `usage: node dist/bench/discordPsBench.js [--counts 100,500] [--runs 200] [--warmups 20] [--pace-ms 25]
  [--docker-ps-runs 10] [--network auto|none|bridge] [--remove] [--ready-timeout-seconds 300] [--out bench/results/discord-ps.md]`;

function parseOptions(argv: string[]): BenchOptions {
  const values = parseBenchOptions(
    argv,
    {
      counts: { type: 'string', default: '100,500' },
      runs: { type: 'string', default: '200' },
      warmups: { type: 'string', default: '20' },
      'pace-ms': { type: 'string', default: '25' },
      'docker-ps-runs': { type: 'string', default: '10' },
      network: { type: 'string', default: 'auto' },
      remove: { type: 'boolean', default: false },
      'ready-timeout-seconds': { type: 'string', default: '300' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'discord-ps.md') },
    },
    USAGE,
  );
  const network = values.network;
  if (network !== 'auto' && network !== 'none' && network !== 'bridge') {
    throw new Error(`--network must be auto, none or bridge, got "${network}"\n${USAGE}`);
  }
  const counts = integerListOption('counts', values.counts, 1, USAGE);
  return {
    counts: counts.sort((a, b) => b - a),
    network,
    runs: integerOption('runs', values.runs, 1, USAGE),
    warmups: integerOption('warmups', values.warmups, 0, USAGE),
    paceMs: integerOption('pace-ms', values['pace-ms'], 0, USAGE),
    dockerPsRuns: integerOption('docker-ps-runs', values['docker-ps-runs'], 1, USAGE),
    remove: values.remove,
    readyTimeoutMs: integerOption('ready-timeout-seconds', values['ready-timeout-seconds'], 1, USAGE) * 1000,
    out: values.out,
  };
}

/** `auto`: the network mode most running bench containers already use (so they are reused, not replaced), else none. */
async function chooseNetwork(engine: BenchEngine, wanted: BenchOptions['network']): Promise<BenchNetwork> {
  if (wanted !== 'auto') return wanted;
  const listed = await engine.docker.listContainers({ filters: { label: [`${BENCH_LABEL}=1`] } });
  const modes = listed.map((c) => c.HostConfig?.NetworkMode);
  const bridge = modes.filter((m) => m === 'bridge').length;
  const none = modes.filter((m) => m === 'none').length;
  return bridge > none ? 'bridge' : 'none';
}

/** The round trips, direct calls and docker ps at one count, with the rig started and stopped around them. */
async function measure(count: number, opts: BenchOptions, track: (rig?: DiscordPsRig) => void): Promise<DiscordPsRow> {
  progress(`  starting the agent, the command core, the Discord adapter and the fake`);
  const rig = await startDiscordPsRig({ containers: count, readyTimeoutMs: opts.readyTimeoutMs });
  track(rig);
  let roundTrips;
  try {
    progress(`  agent listed ${count} containers after ${(rig.agentReadyMs / 1000).toFixed(1)} s`);
    progress(`  ${opts.warmups}+${opts.runs} rounds of /ps all:true via Discord and ps --all via core.handle`);
    roundTrips = await measureRoundTrips(rig, { ...opts, timeoutMs: 30_000 });
  } finally {
    await rig.stop();
    track(undefined);
  }
  const load = loadavg()[0] ?? NaN;
  progress(`  docker ps -a --filter label=${BENCH_LABEL}=1, 2+${opts.dockerPsRuns} times`);
  const dockerPs = await measureDockerPs({ warmups: 2, runs: opts.dockerPsRuns });
  if (roundTrips.shownRows !== count || roundTrips.directRows !== count || dockerPs.rows !== count) {
    progress(
      `  warning: rows listed (Discord ${roundTrips.shownRows}, core ${roundTrips.directRows}, docker ps ` +
        `${dockerPs.rows}) are not ${count}`,
    );
  }
  return { containers: count, roundTrips, dockerPs, agentReadyMs: rig.agentReadyMs, load };
}

async function describeEnvironment(engine: BenchEngine, opts: BenchOptions, network: BenchNetwork): Promise<string> {
  const [version, info] = await Promise.all([engine.docker.version(), engine.docker.info()]);
  const running = (info as { ContainersRunning?: number }).ContainersRunning ?? '?';
  return [
    `Host: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Linux ${release()}, Node ${process.version};`,
    `engine ${version.Version} at ${engine.host} (API ${engine.apiVersion}), ${running} containers running at start`,
    `(load ${loadavg()[0]?.toFixed(2)}); bench containers: \`sleep\` on ${BENCH_IMAGE}, network ${network}.`,
    `Method: one process holds the fake Discord, discord.js (the real Discord adapter) and the agent (startAgent,`,
    `only label ${BENCH_LABEL}=1, default 5 s stats interval) behind buildCommandCore with one InProcessAgent.`,
    `Round trip = the fake dispatching INTERACTION_CREATE for \`/ps all:true\` to the fake having handled the final`,
    `PATCH of @original (its request hook, no polling); "defer seen" = to the fake having the defer callback.`,
    `Each round: one /ps via Discord, then \`ps --all\` via core.handle as the same identity (no Discord);`,
    `${opts.warmups} warm-up rounds, then ${opts.runs}, rounds at least ${opts.paceMs} ms apart (discord.js limits`,
    `itself to 50 requests/s). Percentiles by nearest rank. "Discord adds" = difference of the percentiles.`,
    `docker ps -a: the CLI on the same engine, 2 warm-ups then ${opts.dockerPsRuns}, wall time of the process.`,
    `Counts run largest first (an earlier run's fleet is measured before it shrinks), each with a fresh agent and bot.`,
  ].join('\n');
}

function report(rows: readonly DiscordPsRow[], opts: BenchOptions, environment: string): string {
  return renderBenchReport({
    title: 'dockwatch discord ps bench',
    command: `npm run build && node dist/bench/discordPsBench.js --counts ${[...opts.counts].reverse().join(',')}`,
    environment,
    main: mainTable(rows),
    targets: targetLines(rows),
    details: detailTable(rows),
  });
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const engine = await connectEngine();
  const network = await chooseNetwork(engine, opts.network);
  const fleet = new BenchFleet(engine.docker, network, progress);
  let rig: DiscordPsRig | undefined;
  let cleaning: Promise<void> | undefined;
  let interrupted = false;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await rig?.stop().catch(() => undefined);
      if (!opts.remove) {
        const largest = opts.counts[0] ?? 0;
        progress(`leaving ${largest} containers labelled ${BENCH_LABEL}=1 running (--remove removes them)`);
        if (!interrupted)
          await fleet.scaleTo(largest).catch((err: Error) => progress(`rescale failed: ${err.message}`));
        return;
      }
      progress(`removing the bench containers (${BENCH_LABEL}=1)`);
      await fleet.removeAll().catch((err: Error) => progress(`cleanup failed: ${err.message}`));
    })());
  cleanUpOnSignals(cleanup, () => (interrupted = true));

  const environment = await describeEnvironment(engine, opts, network);
  const rows: DiscordPsRow[] = [];
  const started = Date.now();
  try {
    for (const count of opts.counts) {
      progress(`${count} containers: scaling (network ${network})`);
      await fleet.scaleTo(count);
      const records = await fleet.records();
      if (records.length !== count) throw new Error(`${records.length} of ${count} bench containers are running`);
      const row = await measure(count, opts, (r) => (rig = r));
      rows.push(row);
      const s = spread(row.roundTrips.discordMs);
      progress(`  /ps via Discord p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`);
    }
    const ascending = [...rows].sort((a, b) => a.containers - b.containers);
    const markdown = report(ascending, opts, environment);
    process.stdout.write(`\n${markdown}`);
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, markdown);
    progress(
      `measured in ${((Date.now() - started) / 1000).toFixed(0)} s; written to ${relative(process.cwd(), opts.out)}`,
    );
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
