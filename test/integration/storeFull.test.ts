import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCtl } from '../support/ctlProcess';
import { removeTestContainers, runTestContainer, TEST_RUN_LABEL, testRunId, waitFor } from '../support/engine';
import { freePort } from '../support/freePort';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';
import {
  familySum,
  fillDisk,
  freeDisk,
  mountTmpfs,
  startDockwatch,
  unmount,
  waitReady,
  type DockwatchProcess,
} from '../support/storeFaults';

/** How long the disk stays full (STORE_FULL_SECONDS=60 for the figure in docs/reliability.md; the test command uses 15). */
const FULL_SECONDS = Number(process.env.STORE_FULL_SECONDS ?? 15);
const TOKEN = 'store-full-token-0123456789abcdef';
const FAIL_LINE = 'store writes fail';

type Posted = { id: string; status: string; alerts: { labels: Record<string, string> }[] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a full disk under the data dir (a 2 MB tmpfs, filled to the last byte)', () => {
  let root: string;
  let dataDir: string;
  let configFile: string;
  let port: number;
  let server: RecordingServer;
  let agent: DockwatchProcess | undefined;

  const posted = (): Posted[] => server.requestsTo('/hook').map((r) => JSON.parse(r.body) as Posted);
  const postsById = () => {
    const counts = new Map<string, number>();
    for (const p of posted()) counts.set(p.id, (counts.get(p.id) ?? 0) + 1);
    return counts;
  };
  const postedFor = (container: string) =>
    posted().filter((p) => p.status === 'firing' && p.alerts.some((a) => a.labels.container === container));
  const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const crash = (name: string) => runTestContainer({ name, cmd: ['sh', '-c', 'sleep 0.3; exit 3'] });

  beforeAll(async () => {
    await removeTestContainers();
    root = mkdtempSync(join(tmpdir(), 'dw-storefull-'));
    dataDir = join(root, 'data');
    mkdirSync(dataDir);
    mountTmpfs(dataDir, '2m');
    server = await startRecordingServer();
    port = await freePort();
    configFile = join(root, 'dockwatch.yaml');
    writeFileSync(
      configFile,
      [
        'agent:',
        `  dataDir: ${JSON.stringify(dataDir)}`,
        `  listen: 127.0.0.1:${port}`,
        `  token: ${TOKEN}`,
        '  hostName: store-full',
        'containers:',
        `  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }`,
        'alerts:',
        '  groupWait: 100ms',
        '  groupWindow: 500ms',
        '  rules:',
        '    - { name: crashed, kind: event, event: die, ignoreExitCodes: [0, 137], resolveAfter: 1h }',
        '  routes:',
        '    - { notifiers: [hook] }',
        'notifiers:',
        `  - { name: hook, type: webhook, url: "${server.url}/hook" }`,
        'bot:',
        '  roles: { admin: { commands: ["*"] } }',
        '  members: [{ role: admin, consoleUsers: [alice] }]',
      ].join('\n'),
    );
    agent = startDockwatch(['--config', configFile, 'agent']);
    await waitReady(agent, port);
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await server?.stop();
    unmount(dataDir);
    rmSync(root, { recursive: true, force: true });
    await removeTestContainers();
  });

  it('keeps serving, counts the failures, sends each notification once, and commits everything when space returns', async () => {
    const running = agent as DockwatchProcess;
    const before = await crash('before');
    await waitFor(async () => postedFor(before.name).length > 0, { what: 'the alert before the disk filled' });
    expect(familySum(await metrics(), 'dockwatch_store_errors_total')).toBe(0);

    // Stored before the disk fills, answered 2xx only after: the record of that answer is what the full disk refuses.
    const refused = 3;
    server.respond('/hook', ...Array.from({ length: refused }, () => ({ status: 503 })), { status: 204 });
    const stuck = await crash('stuck');
    await waitFor(async () => postedFor(stuck.name).length > 0, {
      what: 'the first (refused) POST of the stuck alert',
    });

    const store = new Database(join(dataDir, 'dockwatch.sqlite'));
    store.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const fill = fillDisk(dataDir);
    const rssBeforeKb = running.rssKb();
    const fullSince = Date.now();

    const during: string[] = [];
    for (let i = 1; i <= 3; i++) {
      during.push((await crash(`during-${i}`)).name);
      await sleep(1_500);
    }
    await waitFor(async () => familySum(await metrics(), 'dockwatch_store_errors_total') > 0, {
      what: 'store errors counted while the disk is full',
    });
    await waitFor(async () => postedFor(stuck.name).length > refused, {
      what: 'the stuck alert answered 2xx while the disk is full',
      timeoutMs: 30_000,
    });
    await waitFor(async () => during.every((name) => postedFor(name).length > 0), {
      what: 'the alerts decided while the disk is full, delivered from memory',
    });

    const metricsWhileFull = (await fetch(`http://127.0.0.1:${port}/metrics`)).status;
    const headers = { authorization: `Bearer ${TOKEN}` };
    const hostWhileFull = (await fetch(`http://127.0.0.1:${port}/api/v1/host`, { headers })).status;
    const ps = await runCtl(configFile, 'alice', 'ps', '--all');

    await sleep(Math.max(0, fullSince + FULL_SECONDS * 1000 - Date.now()));
    const errorsWhileFull = familySum(await metrics(), 'dockwatch_store_errors_total');
    freeDisk(fill);
    const fullForMs = Date.now() - fullSince;

    await waitFor(async () => running.log().includes('store writable again'), {
      what: 'the agent to say the store is writable again',
      timeoutMs: 30_000,
    });
    await waitFor(async () => familySum(await metrics(), 'dockwatch_outbox_pending') === 0, {
      what: 'the outbox to be empty',
    });
    await sleep(6_000);
    const rssAfterKb = running.rssKb();

    const counts = postsById();
    const stuckId = postedFor(stuck.name)[0]?.id ?? '';
    counts.set(stuckId, (counts.get(stuckId) ?? 0) - refused);
    const failLines = running
      .log()
      .split('\n')
      .filter((l) => l.includes(FAIL_LINE)).length;
    const errorsAfter = familySum(await metrics(), 'dockwatch_store_errors_total');
    console.log(
      [
        `store full for ${Math.round(fullForMs / 1000)} s: ${errorsWhileFull} failed store writes counted (${errorsAfter} in all),`,
        `${failLines} log line(s) about it; POSTs answered 2xx per notification id: ${JSON.stringify(Object.fromEntries(counts))};`,
        `agent RSS ${Math.round(rssBeforeKb / 1024)} MB when the disk filled, ${Math.round(rssAfterKb / 1024)} MB after`,
      ].join(' '),
    );
    expect({ metricsWhileFull, hostWhileFull, ctlWhileFull: ps.code }).toEqual({
      metricsWhileFull: 200,
      hostWhileFull: 200,
      ctlWhileFull: 0,
    });
    expect(ps.stdout).toContain(during[0]);
    // ctl cannot store its audit entry (nor renew a lease): one line says so, however many writes failed.
    expect(ps.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^\S+ error store writes fail: 1 failed /),
    ]);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(during.every((name) => postedFor(name).length === 1)).toBe(true);
    expect(running.child.exitCode).toBeNull();
    expect(running.log()).not.toMatch(/uncaught exception|unhandled rejection/);
    if (process.env.STORE_FULL_LOG) console.log(running.log());
    expect(failLines).toBeGreaterThanOrEqual(1);
    expect(failLines).toBeLessThanOrEqual(1 + Math.ceil(fullForMs / 60_000));

    expect(await running.stop()).toBe(0);
    const db = new Database(join(dataDir, 'dockwatch.sqlite'), { readonly: true });
    const state = db.prepare('SELECT json FROM alert_state').pluck().get() as string;
    const outboxRows = db.prepare('SELECT count(*) FROM outbox_deliveries').pluck().get();
    const integrity = db.pragma('integrity_check', { simple: true });
    db.close();
    expect({ outboxRows, integrity }).toEqual({ outboxRows: 0, integrity: 'ok' });
    for (const name of [before.name, stuck.name, ...during]) expect(state).toContain(name);

    agent = startDockwatch(['--config', configFile, 'agent']);
    await waitReady(agent, port);
    const postsBeforeRestart = server.requestsTo('/hook').length;
    await sleep(5_000);
    expect(server.requestsTo('/hook').length).toBe(postsBeforeRestart);
  }, 150_000);
});
