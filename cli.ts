#!/usr/bin/env -S node --optimize-for-size --v8-pool-size=2
// First: sets V8's small-heap flags when node was started without them, before the other modules load.
import './agent/smallHeap';
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgent } from './app/agent';
import { createLogger } from './shared/logger';
import { ConfigError } from './config/configError';
import { loadConfig, type FlagOverrides } from './config/load';
import type { Config } from './config/schema';
import { hasChatAdapter } from './bot/chatConfig';
import { renderEffectiveConfig } from './config/redact';
import { prepareStore } from './agent/store/storeStartup';

/** Exit code for a configuration the user must fix. */
const EXIT_CONFIG = 2;

type GlobalOptions = {
  config?: string;
  listen?: string;
  dockerHost?: string;
  dataDir?: string;
  logLevel?: FlagOverrides['logLevel'];
  logFormat?: FlagOverrides['logFormat'];
  resetStore?: boolean;
};

/** What `--help` says dockwatch is when package.json (whose description it shows) cannot be read. */
const DESCRIPTION = 'Docker host agent: Prometheus metrics, alerts and a chat bot';

/** Version and description from package.json (next to dist/ or ts-node's cli.ts). */
function packageInfo(): { version: string; description: string } {
  for (const p of [join(__dirname, 'package.json'), join(__dirname, '..', 'package.json')]) {
    try {
      const info = JSON.parse(readFileSync(p, 'utf8')) as { version: string; description?: string };
      return { version: info.version, description: info.description ?? DESCRIPTION };
    } catch {
      // try the next location (ts-node vs dist/)
    }
  }
  return { version: '0.0.0', description: DESCRIPTION };
}

function flagsOf(o: GlobalOptions): Partial<FlagOverrides> {
  const flags: Partial<FlagOverrides> = {};
  if (o.listen) flags.listen = o.listen;
  if (o.dockerHost) flags.dockerHost = o.dockerHost;
  if (o.dataDir) flags.dataDir = o.dataDir;
  if (o.logLevel) flags.logLevel = o.logLevel;
  if (o.logFormat) flags.logFormat = o.logFormat;
  return flags;
}

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`dockwatch: invalid configuration\n${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  process.stderr.write(`dockwatch: ${(err as Error).message}\n`);
  process.exit(1);
}

/** Something that runs until stopped (the agent, the bot). */
type Stoppable = { stop(): Promise<void> };

/** Stops `parts` in order on SIGTERM/SIGINT (exit 0, forced after 10 s) and logs what would otherwise be lost. */
function stopOnSignals(parts: () => readonly Stoppable[], logger: ReturnType<typeof createLogger>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(0), 10_000);
    force.unref();
    void (async () => {
      for (const part of parts())
        await part.stop().catch((err: Error) => logger.warn('stop failed', { error: err.message }));
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('uncaughtException', (err) => logger.error('uncaught exception', { error: err.stack ?? err.message }));
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { error: String(err) }));
}

function loadOrExit(o: GlobalOptions): Config {
  try {
    return loadConfig({ file: o.config, env: process.env, flags: flagsOf(o) });
  } catch (err) {
    fail(err);
  }
}

/** Exits 1 with one line naming the store and what to do when it cannot be used (`--reset-store` moves it aside). */
function storeOrExit(config: Config, o: GlobalOptions): void {
  try {
    const said = prepareStore(config.agent.dataDir, { reset: o.resetStore === true });
    if (said) process.stderr.write(`dockwatch: ${said}\n`);
  } catch (err) {
    fail(err);
  }
}

/** `dockwatch agent` (withBot false) and `dockwatch run` (the bot too, when a chat adapter is configured). */
async function runAgent(o: GlobalOptions, withBot: boolean): Promise<void> {
  const config = loadOrExit(o);
  storeOrExit(config, o);
  const logger = createLogger({ level: config.agent.logLevel, format: config.agent.logFormat });
  const parts: Stoppable[] = [];
  stopOnSignals(() => parts, logger);
  let agent;
  try {
    agent = await startAgent(config, logger);
  } catch (err) {
    logger.error('agent failed to start', { error: (err as Error).message });
    process.exit(1);
  }
  parts.push(agent);
  if (!withBot || !hasChatAdapter(config)) return;
  try {
    const { startInProcessBot } = await import('./app/run');
    parts.unshift(await startInProcessBot(config, agent, logger));
  } catch (err) {
    logger.error('bot failed to start', { error: (err as Error).message });
    await agent.stop();
    process.exit(err instanceof ConfigError ? EXIT_CONFIG : 1);
  }
}

/** `dockwatch bot`: the chat adapters against the agents of `bot.agents` and `bot.discovery`, without an agent. */
async function runBot(o: GlobalOptions): Promise<void> {
  const config = loadOrExit(o);
  if (!hasChatAdapter(config)) {
    fail(new ConfigError(['bot: dockwatch bot needs bot.discord or bot.slack (a chat platform to answer on)']));
  }
  storeOrExit(config, o);
  const logger = createLogger({ level: config.agent.logLevel, format: config.agent.logFormat });
  const parts: Stoppable[] = [];
  stopOnSignals(() => parts, logger);
  const { startRemoteBot } = await import('./app/bot');
  try {
    parts.push(await startRemoteBot(config, logger));
  } catch (err) {
    if (err instanceof ConfigError) fail(err);
    logger.error('bot failed to start', { error: (err as Error).message });
    process.exit(1);
  }
}

async function ctl(words: string[], o: { as: string; yes?: boolean }, g: GlobalOptions): Promise<void> {
  let config;
  try {
    config = loadConfig({ file: g.config, env: process.env, flags: flagsOf(g) });
  } catch (err) {
    fail(err);
  }
  storeOrExit(config, g);
  const logger = createLogger({ level: g.logLevel ?? 'warn', format: config.agent.logFormat });
  const { runCtl } = await import('./app/ctl');
  const interrupt = new AbortController();
  let streaming = false;
  process.on('SIGINT', () => {
    if (!streaming || interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });
  process.stdout.on('error', () => interrupt.abort());
  const write = (text: string) => {
    streaming = true;
    process.stdout.write(text);
  };
  const { ctlWords } = await import('./bot/adapters/ctlWords');
  const all = ctlWords(words, process.argv.slice(2));
  const request = { words: all, user: o.as, yes: o.yes === true, write, interrupt: interrupt.signal };
  const result = await runCtl(config, request, logger);
  (result.toStderr ? process.stderr : process.stdout).write(result.output, () => process.exit(result.exitCode));
}

/** Builds the `dockwatch` command line. */
export function buildProgram(): Command {
  const { version, description } = packageInfo();
  const program = new Command('dockwatch')
    .description(description)
    .version(version, '-V, --version')
    .option('-c, --config <file>', 'configuration file (YAML); else $DOCKWATCH_CONFIG; else defaults')
    .option('--listen <host:port>', 'address for /metrics, /healthz, /readyz (default 127.0.0.1:9417)')
    .option('--docker-host <url>', 'engine address: unix:///var/run/docker.sock, tcp://host:2375, https://host:2376')
    .option('--data-dir <dir>', 'directory for dockwatch state (default ./data)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['error', 'warn', 'info', 'debug']))
    .addOption(new Option('--log-format <format>', 'log format').choices(['text', 'json']))
    .option('--reset-store', 'check the store fully; move a corrupt one aside (<file>.broken-<time>) and start empty')
    .showHelpAfterError();

  program
    .command('run', { isDefault: true })
    .description(
      'run everything in one process: the agent, its alerts and, when bot.discord or bot.slack is set, the bot',
    )
    .action(() => runAgent(program.opts<GlobalOptions>(), true));

  program
    .command('agent')
    .description('run the per-host agent: inventory, stats, logs, alerts, /metrics and the control API')
    .action(() => runAgent(program.opts<GlobalOptions>(), false));

  program
    .command('bot')
    .description('run the chat bot alone, reaching the agents of bot.agents and bot.discovery over their control API')
    .action(() => runBot(program.opts<GlobalOptions>()));

  program
    .command('ctl')
    .argument(
      '<command...>',
      'a bot command and its arguments, e.g. `ps --all`, `logs web --tail 50`, `exec web -- ps aux` (ctl options first)',
    )
    .requiredOption('--as <user>', 'the console user to run it as (bot.members[].consoleUsers)')
    .option('--yes', 'confirm a command that asks for a confirmation (stop, restart, rollback, deploy, rm, rmi)')
    .allowUnknownOption()
    .description('run one bot command against an agent in this process; exit 3 when denied, 4 when it failed')
    .action((words: string[], o: { as: string; yes?: boolean }) => ctl(words, o, program.opts<GlobalOptions>()));

  const configCmd = program.command('config').description('work with the configuration file');
  configCmd
    .command('check')
    .argument('<file>', 'configuration file to validate')
    .description('validate a configuration file and print the effective configuration (secrets as <secret>)')
    .action((file: string) => {
      try {
        const config = loadConfig({ file, env: process.env, flags: flagsOf(program.opts<GlobalOptions>()) });
        process.stdout.write(renderEffectiveConfig(config));
      } catch (err) {
        fail(err);
      }
    });
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => fail(err));
}
