import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../../agent/store/database';
import {
  BUILT_CLI,
  ctlHistory,
  ctlHistoryUntil,
  runCtl,
  startAgentProcess,
  writeAgentConfig,
} from '../support/ctlProcess';
import { docker, dockerRun } from '../support/dockerRun';
import { removeTestContainers, TEST_IMAGE_V1, TEST_IMAGE_V2, testDocker, waitFor } from '../support/engine';
import { freePort } from '../support/freePort';
import { removeKeepTags } from '../support/keepTags';
import { pushTestApp, startRegistry, type PushedTestApp, type RunningRegistry } from '../support/registry';

// The promise of docs/reliability.md, from the outside: a SIGKILL during a rollback or a deploy (of `dockwatch ctl`, at any moment)
// leaves the old or the new container under the name, never none and never both, and the next start (the agent, or
// the next ctl command) finishes or undoes it: one container under the name, running, nothing left aside, the marker
// settled, and a revision only for a rollback that finished.

const suffix = randomBytes(3).toString('hex');
const name = `dwtest-rbc-${suffix}`;
const deployName = `dwtest-dpc-${suffix}`;
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-rbc-'));
const configFile = join(dir, 'dockwatch.yaml');
const storeFile = join(dir, 'data', STORE_FILE);
/**
 * Kills swept over the first 80% of a rollback, timed by one left to end by itself first (1.5-3 s here; a fixed 3 s
 * sweep failed whenever the rollback took under 2.4 s); `DOCKWATCH_ROLLBACK_KILLS=20` for a denser sweep by hand.
 */
const RUNS = Math.max(2, Number(process.env.DOCKWATCH_ROLLBACK_KILLS ?? 6));
const SWEEP_SHARE = 0.8;

type Held = { id: string; names: string[]; running: boolean };

/** The containers holding the name or an aside name of it (`<name>-dockwatch-old-<ms>`). */
async function holders(of: string): Promise<Held[]> {
  const all = await testDocker().listContainers({ all: true });
  return all
    .map((c) => ({ id: c.Id, names: c.Names.map((n) => n.replace(/^\//, '')), running: c.State === 'running' }))
    .filter((c) => c.names.some((n) => n === of || n.startsWith(`${of}-dockwatch-old-`)));
}

/** Markers of the data dir (read-only; no process needs to run). */
function markers(): { name: string; outcome: string | null }[] {
  const db = new Database(storeFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT name, outcome FROM container_replacements').all() as { name: string; outcome: null }[];
  } finally {
    db.close();
  }
}

/** Where the engine stood right after the kill, in a word. */
async function phaseOf(of: string, before: string): Promise<string> {
  const held = await holders(of);
  const under = held.find((h) => h.names.includes(of));
  const aside = held.some((h) => h.names.some((n) => n !== of));
  if (!under) return 'nothing under the name';
  if (under.id === before) return aside ? 'old under the name, another aside' : under.running ? 'untouched' : 'stopped';
  return aside ? (under.running ? 'new started' : 'new created') : 'done';
}

/** How a `ctl` run under {@link killDuring} ended: killed, or by itself (with what it printed and how long it took). */
type Ending = { killed: true } | { killed: false; said: string; markerToExitMs: number };

/**
 * Spawns `ctl --as alice --yes WORDS…` and SIGKILLs it `afterMs` after its replacement marker appears in the store
 * (never when `afterMs` is undefined); resolves how it ended.
 */
async function killDuring(afterMs: number | undefined, ...words: string[]): Promise<Ending> {
  const child = spawn('node', [BUILT_CLI, '--config', configFile, 'ctl', '--as', 'alice', '--yes', ...words], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ended = false;
  void exited.then(() => (ended = true));
  await waitFor(async () => ended || markers().some((m) => m.outcome === null), {
    what: `the marker of ctl ${words.join(' ')}`,
    timeoutMs: 30_000,
    intervalMs: 10,
  });
  const markedAt = Date.now();
  if (afterMs !== undefined) await new Promise((resolve) => setTimeout(resolve, afterMs));
  const killed = afterMs !== undefined && !ended && child.kill('SIGKILL');
  await exited;
  if (killed) return { killed };
  const said = `ended by itself (exit ${child.exitCode}): ${output.trim().slice(-500)}`;
  return { killed, said, markerToExitMs: Date.now() - markedAt };
}

/** What must hold after the next start: one running container under the name, none aside, no marker left. */
async function expectSettled(of: string, context: string): Promise<Held> {
  const held = await holders(of);
  expect({ context, held: held.map((h) => [h.names, h.running]) }).toEqual({ context, held: [[[of], true]] });
  expect({ context, markers: markers() }).toEqual({ context, markers: [] });
  return held[0] as Held;
}

describe('a SIGKILL during a rollback or a deploy (dockwatch ctl, then the next start)', () => {
  let registry: RunningRegistry | undefined;
  let app: PushedTestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    writeAgentConfig(configFile, { dataDir: join(dir, 'data'), port }, [
      'stats: { interval: 1s }',
      'revisions: { keep: 50, rollbackTimeout: 20s }',
    ]);
  });

  afterAll(async () => {
    await removeTestContainers();
    await removeKeepTags([name, deployName]);
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'rollback: killed at moments swept across it, the next agent or ctl finishes or undoes it',
    async () => {
      const runApp = (image: string) =>
        dockerRun(
          name,
          image,
          ['--stop-timeout', '1', '--health-cmd', 'true', '--health-interval', '1s', '--health-retries', '1'],
          ['sh', '-c', 'exec sleep 3600'],
        );
      const agent = await startAgentProcess(configFile, port);
      let timed: Ending;
      try {
        await runApp(TEST_IMAGE_V1);
        await ctlHistoryUntil(configFile, 'alice', name, 'v1 recorded', (h) => h.length === 1);
        await docker('rm', '-f', name);
        await runApp(TEST_IMAGE_V2);
        await ctlHistoryUntil(
          configFile,
          'alice',
          name,
          'v2 recorded',
          (h) => h.length === 2 && h[0]?.current === true,
        );
        // One rollback left alone: how long one takes here and now, from its marker to its exit.
        timed = await killDuring(undefined, 'rollback', name);
        if (timed.killed) throw new Error('the timing rollback was killed');
        expect({ said: timed.said }).toEqual({ said: expect.stringContaining('exit 0') });
        await ctlHistoryUntil(configFile, 'alice', name, 'the timing rollback recorded', (h) => h.length === 3);
      } finally {
        await agent.stop();
      }
      const sweepMs = Math.round(timed.markerToExitMs * SWEEP_SHARE);

      let revisions = 3;
      let kills = 0;
      const seen: string[] = [`a rollback left alone took ${timed.markerToExitMs} ms; kills swept over ${sweepMs} ms`];
      for (let run = 0; run < RUNS; run++) {
        const before = (await testDocker().getContainer(name).inspect()).Id;
        const afterMs = Math.round((run / (RUNS - 1)) * sweepMs);
        const ending = await killDuring(afterMs, 'rollback', name);
        const phase = ending.killed ? await phaseOf(name, before) : ending.said;
        if (ending.killed) kills += 1;
        const nextStart = run % 2 === 0 ? 'agent' : 'ctl';
        if (nextStart === 'agent') await (await startAgentProcess(configFile, port)).stop();
        const history = await ctlHistory(configFile, 'alice', name);
        const context = `run ${run}: killed ${afterMs} ms into the rollback (${phase}), then the ${nextStart}`;
        const now = await expectSettled(name, context);
        const finished = now.id !== before;
        if (finished) revisions += 1;
        seen.push(`${context}: ${finished ? 'finished' : 'undone'}`);
        const current = history.find((r) => r.current);
        const info = await testDocker().getContainer(name).inspect();
        expect({ context, revisions: history.length, newest: history[0]?.revision, current: current?.image }).toEqual({
          context,
          revisions,
          newest: revisions,
          current: info.Config.Image,
        });
        if (finished)
          expect({ context, note: history[0]?.changes }).toEqual({
            context,
            note: expect.stringMatching(/rollback to revision \d/),
          });
      }
      process.stdout.write(`${seen.join('\n')}\n`);
      // Killed mid-way in (nearly) every run: one rollback may run faster than the timed one and end first.
      expect({ killedMidWay: kills >= RUNS - 1, seen }).toEqual({ killedMidWay: true, seen });
      expect(seen.filter((s) => s.endsWith('undone')).length).toBeGreaterThan(0);

      // The moment the sweep rarely hits: killed between the rename and the create, nothing under the name.
      const current = await testDocker().getContainer(name).inspect();
      const dead = spawnSync('true').pid;
      const aside = `${name}-dockwatch-old-${Date.now()}`;
      const db = new Database(storeFile, { fileMustExist: true });
      db.prepare(
        `INSERT INTO container_replacements
       (name, holder, target_revision, old_container_id, aside_name, started_at, expires_at, old_running)
       VALUES (?, ?, 1, ?, ?, ?, ?, 1)`,
      ).run(name, `${hostname()}/${dead}/deadbeef`, current.Id, aside, Date.now(), Date.now() + 600_000);
      db.close();
      await docker('stop', '-t', '1', name);
      await docker('rename', name, aside);
      expect((await holders(name)).map((h) => h.names)).toEqual([[aside]]);
      const ps = await runCtl(configFile, 'alice', 'ps', '--all');
      expect(ps.stdout).toContain(name);
      const back = await expectSettled(name, 'killed between the rename and the create, then ctl ps');
      expect(back.id).toBe(current.Id);
      expect((await ctlHistory(configFile, 'alice', name)).length).toBe(revisions);
    },
    60_000 + RUNS * 20_000,
  );

  it('deploy: killed half way, the next agent start finishes or undoes it', async () => {
    registry = await startRegistry();
    app = await pushTestApp(registry, `dwtest/rbc-${suffix}`);
    await dockerRun(deployName, app.versions.v1.ref, ['--stop-timeout', '1']);
    const before = (await testDocker().getContainer(deployName).inspect()).Id;
    const ending = await killDuring(1500, 'deploy', deployName, app.versions.v2.ref);
    const phase = ending.killed ? await phaseOf(deployName, before) : ending.said;
    await (await startAgentProcess(configFile, port)).stop();
    const now = await expectSettled(deployName, `deploy killed (${phase}), then the agent`);
    const history = await ctlHistory(configFile, 'alice', deployName);
    const images = history.map((r) => r.image);
    expect(images).toEqual(now.id === before ? [app.versions.v1.ref] : [app.versions.v2.ref, app.versions.v1.ref]);
    process.stdout.write(`deploy killed 1500 ms in (${phase}): ${now.id === before ? 'undone' : 'finished'}\n`);
  }, 120_000);
});
