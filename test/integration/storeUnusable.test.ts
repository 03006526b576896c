import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/freePort';
import {
  mountTmpfs,
  remountReadOnly,
  startDockwatch,
  STORE_TEST_CLI,
  unmount,
  waitReady,
} from '../support/storeFaults';

const exec = promisify(execFile);
type Ran = { code: number; stdout: string; stderr: string };

/** Runs the built `dockwatch ARGS…`; never rejects. */
async function dockwatch(...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec('node', [STORE_TEST_CLI, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const STORE = 'dockwatch.sqlite';

describe('a store that cannot be used at start: agent, bot and ctl exit 1 with one line', () => {
  let root: string;
  let readOnly: string;
  let port: number;

  /** A config for `dataDir`: the agent on a free port, alice as console admin, a Discord bot that never connects. */
  function config(dataDir: string): string {
    const file = join(root, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      [
        'agent:',
        `  dataDir: ${JSON.stringify(dataDir)}`,
        `  listen: 127.0.0.1:${port}`,
        'bot:',
        '  discord: { token: not-a-real-token, guilds: ["1"], apiUrl: "http://127.0.0.1:9/api" }',
        '  agents: [{ name: a, url: "http://127.0.0.1:9" }]',
        '  roles: { admin: { commands: ["*"] } }',
        '  members: [{ role: admin, consoleUsers: [alice] }]',
      ].join('\n'),
    );
    return file;
  }

  /** A data dir holding a real store of ~1 MB (as the agent made it, plus rows), closed cleanly. */
  async function realStore(name: string): Promise<string> {
    const dataDir = join(root, name);
    expect((await dockwatch('--config', config(dataDir), 'ctl', '--as', 'alice', 'audit')).code).not.toBe(1);
    const db = new Database(join(dataDir, STORE));
    db.exec('CREATE TABLE filler (body TEXT)');
    const insert = db.prepare('INSERT INTO filler VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2_000; i++) insert.run(randomBytes(256).toString('hex'));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    return dataDir;
  }

  /** The three roles against one data dir: each exits 1 with the same one line and nothing else (nothing started). */
  async function expectRefused(dataDir: string, problem: RegExp): Promise<string> {
    const file = config(dataDir);
    const runs = {
      agent: await dockwatch('--config', file, 'agent'),
      bot: await dockwatch('--config', file, 'bot'),
      ctl: await dockwatch('--config', file, 'ctl', '--as', 'alice', 'ps'),
    };
    const line = runs.agent.stderr;
    for (const [role, ran] of Object.entries(runs)) {
      expect({ role, code: ran.code, stdout: ran.stdout, stderr: ran.stderr }).toEqual({
        role,
        code: 1,
        stdout: '',
        stderr: line,
      });
    }
    expect(line.split('\n')).toEqual([expect.stringMatching(/^dockwatch: store /), '']);
    expect(line).toContain(join(dataDir, STORE));
    expect(line).toMatch(problem);
    return line;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dw-storeunusable-'));
    readOnly = join(root, 'readonly');
    mkdirSync(readOnly);
    port = await freePort();
  });

  afterAll(() => {
    unmount(readOnly);
    rmSync(root, { recursive: true, force: true });
  });

  it('garbage bytes: "not a SQLite database", and --reset-store moves it aside and starts empty', async () => {
    const dataDir = join(root, 'garbage');
    mkdirSync(dataDir);
    const garbage = randomBytes(64 * 1024);
    writeFileSync(join(dataDir, STORE), garbage);
    const line = await expectRefused(dataDir, /is not a SQLite database \(SQLITE_NOTADB/);
    expect(line).toContain('--reset-store');

    const reset = await dockwatch('--config', config(dataDir), '--reset-store', 'ctl', '--as', 'alice', 'audit');
    expect(reset.code).toBe(0);
    const aside = readdirSync(dataDir).find((f) => f.startsWith(`${STORE}.broken-`)) ?? '';
    expect(aside).toMatch(/^dockwatch\.sqlite\.broken-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    expect(reset.stderr).toBe(
      `dockwatch: moved the unusable store ${join(dataDir, STORE)} (not a database) aside to ${join(dataDir, aside)}; ` +
        'starting with an empty store\n',
    );
    expect(readFileSync(join(dataDir, aside))).toEqual(garbage);
    expect((await dockwatch('--config', config(dataDir), 'ctl', '--as', 'alice', 'audit')).code).toBe(0);
  });

  it('a real store cut in half: "corrupt or truncated"; `agent --reset-store` moves it with its -wal and -shm', async () => {
    const dataDir = await realStore('truncated');
    const file = join(dataDir, STORE);
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    writeFileSync(`${file}-wal`, '');
    writeFileSync(`${file}-shm`, '');
    await expectRefused(dataDir, /is corrupt or truncated \(SQLITE_CORRUPT/);

    const agent = startDockwatch(['--config', config(dataDir), 'agent', '--reset-store']);
    try {
      await waitReady(agent, port);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    expect(agent.log()).toMatch(/^dockwatch: moved the unusable store .* \(corrupt\) aside to .*broken-/);
    const moved = readdirSync(dataDir).filter((f) => f.includes('.broken-'));
    expect(moved.map((f) => f.replace(/broken-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z/, 'broken-T')).sort()).toEqual([
      'dockwatch.sqlite.broken-T',
      'dockwatch.sqlite.broken-T-shm',
      'dockwatch.sqlite.broken-T-wal',
    ]);
  });

  it('a healthy store: --reset-store runs quick_check and leaves it in place', async () => {
    const dataDir = await realStore('healthy');
    const ran = await dockwatch('--config', config(dataDir), '--reset-store', 'ctl', '--as', 'alice', 'audit');
    expect(ran.code).toBe(0);
    expect(ran.stderr).toBe(
      `dockwatch: the store ${join(dataDir, STORE)} is usable (quick_check ok); --reset-store left it in place\n`,
    );
    expect(readdirSync(dataDir).some((f) => f.includes('.broken-'))).toBe(false);
  });

  it('a read-only file system: "not writable", and --reset-store does not pretend to fix it', async () => {
    mountTmpfs(readOnly, '4m');
    const dataDir = join(readOnly, 'data');
    expect((await dockwatch('--config', config(dataDir), 'ctl', '--as', 'alice', 'audit')).code).toBe(0);
    remountReadOnly(readOnly);
    const line = await expectRefused(dataDir, /is not writable \(.*\): make the data dir writable/);
    expect(line).not.toContain('--reset-store');
    const reset = await dockwatch('--config', config(dataDir), '--reset-store', 'agent');
    expect({ code: reset.code, stderr: reset.stderr }).toEqual({ code: 1, stderr: line });
    expect(existsSync(join(dataDir, STORE))).toBe(true);
  });
});
