import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../../agent/store/database';
import { waitFor } from './waitFor';

const DIST = join(__dirname, '../../dist');

/**
 * The built agent (dist/) in a child process whose every log event and engine event is written to the `seen` and
 * `events` tables in the same transaction as the log checkpoints and the event position, so a test can kill it with
 * SIGKILL at any moment and count what it took.
 */
const CHILD = `
const { startAgent } = require(${JSON.stringify(join(DIST, 'app/agent.js'))});
const { loadConfig } = require(${JSON.stringify(join(DIST, 'config/load.js'))});
const { createLogger } = require(${JSON.stringify(join(DIST, 'shared/logger.js'))});
const config = loadConfig({ file: process.argv[1], env: process.env });
const logger = createLogger({ level: 'warn', format: 'text' });
let pending = [];
let events = [];
startAgent(config, logger, {
  onLogEntry: (e) => pending.push(e),
  onEngineEvent: (e) => events.push(e),
  participants: (db) => {
    db.exec('CREATE TABLE IF NOT EXISTS seen (container TEXT, stream TEXT, text TEXT, lines INTEGER)');
    db.exec('CREATE TABLE IF NOT EXISTS events (container TEXT, action TEXT, exit_code TEXT, time_nano TEXT)');
    const insert = db.prepare('INSERT INTO seen VALUES (?, ?, ?, ?)');
    const insertEvent = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?)');
    return [{
      commit() {
        for (const e of pending) insert.run(e.container, e.stream, e.text, e.lines);
        for (const e of events) {
          const a = e.Actor.Attributes || {};
          insertEvent.run(a.name || '', e.Action, a.exitCode || null, String(e.timeNano));
        }
      },
      committed() { pending = []; events = []; },
    }];
  },
}).then(async (agent) => {
  process.on('SIGTERM', () => agent.stop().then(() => process.exit(0)));
  // Ready once synced with the engine (its event stream open), or after 20 s when the engine does not answer.
  for (let i = 0; i < 200 && !agent.engine.up; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  process.stdout.write('ready\\n');
});
`;

/** One log event as the sink stored it. */
export type SeenLine = { container: string; stream: string; text: string; lines: number };

/** One engine event as the recording agent stored it. */
export type RecordedEvent = { container: string; action: string; exit_code: string | null; time_nano: string };

/** A recording agent process and its data dir. */
export class RecordingAgent {
  private child: ChildProcess | undefined;
  private output = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'dockwatch-recording-'));

  /** `yaml` is the whole config; `dataDir` and the listen address are set here. */
  constructor(private readonly yaml: string) {}

  /** Starts (or restarts) the agent and waits until it listens and has synced with the engine (20 s at most). */
  async start(): Promise<void> {
    const file = join(this.dir, 'dockwatch.yaml');
    writeFileSync(file, `${this.yaml}\nagent:\n  listen: 127.0.0.1:0\n  dataDir: ${join(this.dir, 'data')}\n`);
    const child = spawn(process.execPath, ['-e', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    child.stdout?.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    await waitFor(async () => this.output.includes('ready') || child.exitCode !== null, {
      what: 'the recording agent to listen and sync with the engine',
      timeoutMs: 30_000,
    });
    if (child.exitCode !== null) throw new Error(`recording agent exited: ${this.output}`);
  }

  /** Kills the agent at once, as a crash would (SIGKILL: no last commit). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the agent cleanly. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Everything the agent has taken so far (committed), in order. */
  seen(): SeenLine[] {
    const db = new Database(join(this.dir, 'data', STORE_FILE), { readonly: true, fileMustExist: true });
    try {
      const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'seen'").get();
      return has ? (db.prepare('SELECT * FROM seen ORDER BY rowid').all() as SeenLine[]) : [];
    } finally {
      db.close();
    }
  }

  /** Engine events the agent has taken (committed), in order. */
  events(): RecordedEvent[] {
    const db = new Database(join(this.dir, 'data', STORE_FILE), { readonly: true, fileMustExist: true });
    try {
      const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'events'").get();
      return has ? (db.prepare('SELECT * FROM events ORDER BY rowid').all() as RecordedEvent[]) : [];
    } finally {
      db.close();
    }
  }

  /** Deliveries still waiting in the agent's outbox. */
  pendingDeliveries(): number {
    const db = new Database(join(this.dir, 'data', STORE_FILE), { readonly: true, fileMustExist: true });
    try {
      const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'outbox_deliveries'").get();
      if (!has) return 0;
      return (db.prepare("SELECT count(*) AS n FROM outbox_deliveries WHERE state = 'pending'").get() as { n: number })
        .n;
    } finally {
      db.close();
    }
  }

  /** What the agent printed (warnings and errors). */
  get log(): string {
    return this.output;
  }

  /** Stops the agent and removes its files. */
  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
