import { promises as dns } from 'node:dns';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { FakeDiscord, type FakeMember } from '../test/support/fakeDiscord';
import { cleanUpOnSignals, progress, renderBenchReport } from './benchCli';
import { integerOption, parseBenchOptions } from './benchOptions';
import { connectEngine } from './benchFleet';
import { spread } from './discordPsMeasure';
import { ReplyClock } from './discordPsReplyClock';
import { EtcHostsBlock } from './etcHostsBlock';
import { AgentFleet } from './manyHostsAgents';
import { BotProcess, type BotFleetConfig } from './manyHostsBot';
import { HostContainers } from './manyHostsContainers';
import { psRounds, type Rounds, type RoundsOptions } from './manyHostsMeasure';
import { memoryTable, noteLines, scenarioTable, targetLines, TARGET_P99_MS } from './manyHostsTable';
import type { MemoryRow, ScenarioRow } from './manyHostsTable';

/** Command-line options of the bench. */
type BenchOptions = {
  hosts: number;
  perHost: number;
  runs: number;
  warmups: number;
  downRuns: number;
  hungRuns: number;
  paceMs: number;
  commandTimeoutSeconds: number;
  dnsName: string;
  readyTimeoutMs: number;
  out: string;
};

const REPO_ROOT = join(__dirname, '..', '..');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
/** The `dockwatch` binary's shebang flags: the agents and the bot run as deployed. */
const NODE_ARGS = ['--optimize-for-size', '--v8-pool-size=2'];
const BOT_TOKEN = 'bench-bot-token-not-a-secret';
const AGENT_TOKEN = 'bench-agent-token-not-a-secret';
const ADMINS = { id: '800000000000000013', name: 'Admins' };
const OPERATOR: FakeMember = { id: '700000000000000013', username: 'operator', roles: [ADMINS.id] };
const USAGE = `usage: node dist/bench/manyHostsBench.js [--hosts 20] [--per-host 5] [--runs 100] [--warmups 10]
  [--down-runs 20] [--hung-runs 2] [--pace-ms 25] [--command-timeout-seconds 30]
  [--dns-name dockwatch-bench13-agents.test] [--ready-timeout-seconds 180] [--out bench/results/many-hosts.md]`;

function parseOptions(argv: string[]): BenchOptions {
  const v = parseBenchOptions(
    argv,
    {
      hosts: { type: 'string', default: '20' },
      'per-host': { type: 'string', default: '5' },
      runs: { type: 'string', default: '100' },
      warmups: { type: 'string', default: '10' },
      'down-runs': { type: 'string', default: '20' },
      'hung-runs': { type: 'string', default: '2' },
      'pace-ms': { type: 'string', default: '25' },
      'command-timeout-seconds': { type: 'string', default: '30' },
      'dns-name': { type: 'string', default: 'dockwatch-bench13-agents.test' },
      'ready-timeout-seconds': { type: 'string', default: '180' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'many-hosts.md') },
    },
    USAGE,
  );
  if (!/^[a-z0-9.-]+$/.test(v['dns-name'])) throw new Error(`--dns-name must be a host name\n${USAGE}`);
  return {
    hosts: Math.min(integerOption('hosts', v.hosts, 2, USAGE), 200),
    perHost: integerOption('per-host', v['per-host'], 1, USAGE),
    runs: integerOption('runs', v.runs, 1, USAGE),
    warmups: integerOption('warmups', v.warmups, 0, USAGE),
    downRuns: integerOption('down-runs', v['down-runs'], 1, USAGE),
    hungRuns: integerOption('hung-runs', v['hung-runs'], 0, USAGE),
    paceMs: integerOption('pace-ms', v['pace-ms'], 0, USAGE),
    commandTimeoutSeconds: integerOption('command-timeout-seconds', v['command-timeout-seconds'], 1, USAGE),
    dnsName: v['dns-name'],
    readyTimeoutMs: integerOption('ready-timeout-seconds', v['ready-timeout-seconds'], 1, USAGE) * 1000,
    out: v.out,
  };
}

/** Whether `port` can be bound on `address` right now. */
function portFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: address, port }, () => server.close(() => resolve(true)));
  });
}

/** One port free on every address (the agents share it: DNS discovery reaches every address on one port). */
async function sharedPort(addresses: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const free = await Promise.all(addresses.map((a) => portFree(a, port)));
    if (free.every(Boolean)) return port;
  }
  throw new Error(`no port free on all of ${addresses.join(', ')}`);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const hosts = Array.from({ length: opts.hosts }, (_, i) => `host-${String(i + 1).padStart(2, '0')}`);
  const addresses = hosts.map((_, i) => `127.0.0.${11 + i}`);
  const victim = hosts[Math.min(6, hosts.length - 1)] as string;
  const survivors = hosts.filter((h) => h !== victim);
  const engine = await connectEngine();
  const containers = new HostContainers(engine.docker);
  const etcHosts = new EtcHostsBlock(`dockwatch-bench13 ${opts.dnsName}`);
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-many-hosts-'));
  const clock = new ReplyClock();
  let fake: FakeDiscord | undefined;
  let agents: AgentFleet | undefined;
  let bot: BotProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      etcHosts.remove();
      await bot?.stop().catch(() => undefined);
      await agents?.stopAll().catch(() => undefined);
      await fake?.close().catch(() => undefined);
      progress('removing the bench containers');
      await containers.removeAll().catch((err: Error) => progress(`cleanup failed: ${err.message}`));
      rmSync(dir, { recursive: true, force: true });
    })());
  cleanUpOnSignals(cleanup);
  process.once('exit', () => {
    etcHosts.remove();
    bot?.killNow();
    agents?.killAllNow();
  });

  const rows: ScenarioRow[] = [];
  const memory: MemoryRow[] = [];
  const readiness: string[] = [];
  const commandTimeoutMs = opts.commandTimeoutSeconds * 1000;
  const roundsBase = { paceMs: opts.paceMs, timeoutMs: commandTimeoutMs + 30_000, perHost: opts.perHost };
  const startBot = async (name: string, fleet: BotFleetConfig): Promise<BotProcess> => {
    const started = Date.now();
    const b = await BotProcess.start({
      cliPath: CLI,
      nodeArgs: NODE_ARGS,
      fake: fake as FakeDiscord,
      clock,
      botToken: BOT_TOKEN,
      agentToken: AGENT_TOKEN,
      adminRoleId: ADMINS.id,
      member: OPERATOR,
      fleet,
      commandTimeoutSeconds: opts.commandTimeoutSeconds,
      dir: join(dir, name),
      readyTimeoutMs: opts.readyTimeoutMs,
    });
    readiness.push(`${name}: start to slash commands registered ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return b;
  };
  const measure = async (
    row: Omit<ScenarioRow, 'rounds'>,
    o: Omit<RoundsOptions, 'paceMs' | 'timeoutMs' | 'perHost'>,
  ): Promise<Rounds> => {
    progress(`  ${row.scenario} (${row.finds}): ${o.warmups}+${o.runs} /ps`);
    const rounds = await psRounds(bot as BotProcess, { ...roundsBase, ...o });
    const s = spread(rounds.ms);
    progress(`    p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`);
    rows.push({ ...row, rounds });
    return rounds;
  };
  const named = (what: string) => ({ kind: 'named-within' as const, ms: commandTimeoutMs, host: victim, what });

  try {
    etcHosts.removeStale();
    const left = await containers.removeAll();
    if (left) progress(`removed ${left} containers left by an earlier run`);
    progress(`creating ${opts.hosts} x ${opts.perHost} containers`);
    await containers.create(hosts, opts.perHost);
    const port = await sharedPort(addresses);
    fake = await FakeDiscord.start({
      token: BOT_TOKEN,
      roles: [ADMINS],
      members: [OPERATOR],
      onRequest: clock.onRequest,
    });
    progress(`starting ${opts.hosts} agents on ${addresses[0]}..${addresses.at(-1)}:${port}`);
    const agentsStarted = Date.now();
    agents = await AgentFleet.start({
      cliPath: CLI,
      nodeArgs: NODE_ARGS,
      hosts,
      addresses,
      port,
      token: AGENT_TOKEN,
      perHost: opts.perHost,
      dir,
      readyTimeoutMs: opts.readyTimeoutMs,
      progress,
    });
    readiness.push(
      `${opts.hosts} agents: started 4 at a time, all listing their containers after ${((Date.now() - agentsStarted) / 1000).toFixed(1)} s`,
    );
    const fleet = agents;
    const listed = (names: readonly string[]) => names.map((name) => ({ name, url: fleet.url(name) }));
    const all = { warmups: opts.warmups, runs: opts.runs };
    const down = { warmups: 1, runs: opts.downRuns, answering: survivors, down: victim };

    progress('bot listing one agent (baseline)');
    bot = await startBot('bot-one', { kind: 'list', agents: listed(hosts.slice(0, 1)) });
    const one = {
      scenario: '1 agent up',
      finds: 'bot.agents',
      hosts: 1,
      answering: 1,
      target: { kind: 'none' as const },
    };
    await measure(one, { ...all, answering: hosts.slice(0, 1) });
    await bot.stop();

    progress(`bot listing ${opts.hosts} agents`);
    bot = await startBot('bot-list', { kind: 'list', agents: listed(hosts) });
    const n = opts.hosts;
    const target = { kind: 'p99' as const, ms: TARGET_P99_MS };
    await measure(
      { scenario: `${n} agents up`, finds: 'bot.agents', hosts: n, answering: n, target },
      { ...all, answering: hosts },
    );
    memory.push({ what: `agents (${n}, all up)`, rssBytes: fleet.rssBytes() });
    memory.push({ what: 'bot (bot.agents)', rssBytes: [bot.rssBytes()] });
    if (opts.hungRuns > 0) {
      await fleet.signal(victim, 'SIGSTOP');
      const hung = { scenario: `${victim} hung (SIGSTOP)`, finds: 'bot.agents', hosts: n, answering: n - 1 };
      await measure({ ...hung, target: named('bot.commandTimeout') }, { ...down, warmups: 0, runs: opts.hungRuns });
      await fleet.signal(victim, 'SIGCONT');
    }
    await fleet.signal(victim, 'SIGKILL');
    const killed = { scenario: `${victim} killed (SIGKILL)`, hosts: n, answering: n - 1 };
    await measure({ ...killed, finds: 'bot.agents', target: named('bot.commandTimeout') }, down);
    await bot.stop();
    progress(`restarting the agent of ${victim}`);
    await fleet.restart(victim);

    etcHosts.add(opts.dnsName, addresses);
    const found = await dns.lookup(opts.dnsName, { all: true, family: 4 });
    readiness.push(`dns.lookup("${opts.dnsName}") through /etc/hosts: ${found.length} A records`);
    const finds = `DNS, ${found.length} A records`;
    progress(`bot discovering the agents behind ${opts.dnsName} (${found.length} addresses)`);
    bot = await startBot('bot-dns', { kind: 'dns', name: opts.dnsName, port });
    await measure({ scenario: `${n} agents up`, finds, hosts: n, answering: n, target }, { ...all, answering: hosts });
    memory.push({ what: 'bot (DNS discovery)', rssBytes: [bot.rssBytes()] });
    await fleet.signal(victim, 'SIGKILL');
    await measure({ ...killed, finds, target: named('bot.commandTimeout') }, down);
    await bot.stop();
    etcHosts.remove();

    const markdown = renderBenchReport({
      title: 'dockwatch many-hosts bench',
      command: `npm run build && node dist/bench/manyHostsBench.js ${process.argv.slice(2).join(' ')}`.trim(),
      environment: describe(opts, port),
      main: [...scenarioTable(rows), '', ...memoryTable(memory)],
      targets: [
        ...targetLines(rows),
        '',
        'What the replies said about the host that did not answer:',
        '',
        ...noteLines(rows),
      ],
      details: readiness.map((line) => `- ${line}`),
    });
    process.stdout.write(`\n${markdown}`);
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, markdown);
    progress(`written to ${relative(process.cwd(), opts.out)}`);
  } finally {
    await cleanup();
  }
}

function describe(opts: BenchOptions, port: number): string {
  return [
    `Host: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Linux ${release()}, Node ${process.version},`,
    `load ${loadavg()[0]?.toFixed(2)} at the end. ${opts.hosts} \`dockwatch agent\` processes (node ${NODE_ARGS.join(' ')}),`,
    `each on its own loopback address 127.0.0.11.. port ${port}, with its own hostName, token, data dir and`,
    `${opts.perHost} idle containers of its own (label filter); one \`dockwatch bot\` process at a time, logged in`,
    `with discord.js to the fake Discord in the bench process (alert feed on), bot.commandTimeout ${opts.commandTimeoutSeconds}s.`,
    `Round trip = the fake dispatching INTERACTION_CREATE for \`/ps\` to the fake having the final PATCH of the`,
    `reply; rounds at least ${opts.paceMs} ms apart, percentiles by nearest rank. A reply is complete when it lists`,
    `exactly the containers of every host that answers. DNS: the bench adds one /etc/hosts line per address under`,
    `${opts.dnsName} (bot/dnsFleet.ts resolves with dns.lookup, the system resolver, so /etc/hosts counts; DNS-only`,
    `dns.resolve4 would not see it) and removes them at the end.`,
  ].join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
