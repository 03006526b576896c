import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_CLI, runCtl } from '../support/ctlProcess';
import { removeTestContainers, runTestContainer, testDocker, waitFor, type TestContainer } from '../support/engine';
import { crashAlertToWebhook, startEngineStallRig, type EngineStallRig } from '../support/engineStallRig';
import { FakeDiscord, textOf, type FakeMember } from '../support/fakeDiscord';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';

/*
 * A stalled engine (issue 12, item 4): dockerd behind a proxy that stops answering without an error or a close. The
 * agent is a `dockwatch agent` process with `docker.stallTimeout: 4s`; the bot a `dockwatch bot` process on a fake
 * Discord that reaches it over its control API. The long variant is `npm run soak -- engine-stall` (60 s, 100
 * containers).
 */

const HOST = 'stall-host';
const STALL_MS = 20_000;
const NO_ANSWER = 'the Docker engine does not answer';
const DISCORD_TOKEN = 'engine-stall-discord-token';
const ADMINS = { id: '830000000000000001', name: 'Admins' };
const alice: FakeMember = { id: '730000000000000001', username: 'alice', roles: [ADMINS.id] };
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-engine-stall-'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Sent = { rule: string; status: string; alerts: { labels: Record<string, string> }[] };

let rig: EngineStallRig;
let hook: RecordingServer;
let steady: TestContainer;
let discord: FakeDiscord;
let bot: ChildProcess | undefined;

/** Sends `/name options` as alice on Discord; `reply()` waits (15 s at most) for the text she sees. */
async function slash(name: string, options: Record<string, string> = {}): Promise<{ reply(): Promise<string> }> {
  const id = await discord.sendSlashCommand(alice, name, options);
  return {
    async reply() {
      const seen = await discord.waitForReply(id, (r) => textOf(r.message ?? r.followUps[0]) !== '', 15_000);
      return textOf(seen.message ?? seen.followUps[0]);
    },
  };
}

/** `/name options` on Discord: the reply's text. */
async function onDiscord(name: string, options: Record<string, string> = {}): Promise<string> {
  return (await slash(name, options)).reply();
}

/** GET on the agent's control API (a loopback client needs no token). */
async function api(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${rig.url}/api/v1${path}`, { signal: AbortSignal.timeout(60_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The `crashed` notifications the webhook received for `container`, as statuses. */
function crashedFor(container: string): string[] {
  return hook
    .requestsTo('/hook')
    .map((r) => JSON.parse(r.body) as Sent)
    .filter((n) => n.rule === 'crashed' && n.alerts.some((a) => a.labels.container === container))
    .map((n) => n.status);
}

beforeAll(async () => {
  hook = await startRecordingServer();
  steady = await runTestContainer({ name: 'stall-steady', cmd: ['sleep', '3600'], stopTimeoutSeconds: 1 });
  rig = await startEngineStallRig({
    hostName: HOST,
    stallTimeout: '4s',
    more: ['stats: { interval: 1s }', ...crashAlertToWebhook(hook.url)],
  });
  discord = await FakeDiscord.start({ token: DISCORD_TOKEN, roles: [ADMINS], members: [alice] });
  const botFile = join(dir, 'bot.yaml');
  writeFileSync(
    botFile,
    [
      'agent:',
      `  dataDir: ${join(dir, 'bot-data')}`,
      '  logLevel: warn',
      'bot:',
      `  agents: [{ name: ${HOST}, url: "${rig.url}" }]`,
      '  commandTimeout: 10s',
      '  rateLimit: { commands: 1000, per: 1m }',
      '  discord:',
      `    token: ${DISCORD_TOKEN}`,
      `    guilds: ["${discord.guildId}"]`,
      `    apiUrl: ${discord.apiUrl}`,
      '  roles: { admin: { commands: ["*"] } }',
      `  members: [{ role: admin, discordRoles: ["${ADMINS.id}"] }]`,
    ].join('\n'),
  );
  bot = spawn('node', [BUILT_CLI, '--config', botFile, 'bot'], { stdio: 'ignore' });
  await waitFor(async () => discord.requests.some((r) => r.method === 'PUT'), {
    what: 'the bot to register its slash commands',
    timeoutMs: 30_000,
  });
}, 90_000);

afterAll(async () => {
  if (bot && bot.exitCode === null && bot.signalCode === null) {
    const exited = new Promise((resolve) => bot?.once('exit', resolve));
    bot.kill('SIGTERM');
    await exited;
  }
  await discord?.close();
  await rig?.stop();
  await hook?.stop();
  await removeTestContainers();
  rmSync(dir, { recursive: true, force: true });
});

describe('an engine that stops answering (no error, no close) for 20 s', () => {
  it('goes down within the stall timeout, bounds what waits on it, says so, and loses nothing when it answers again', async () => {
    await waitFor(async () => (await onDiscord('ps')).includes(steady.name), {
      what: 'ps to list the container',
      timeoutMs: 30_000,
    });
    expect(await rig.metric('dockwatch_engine_up')).toBe(1);

    rig.proxy.stall();
    rig.proxy.resetPeak();
    const stalledAt = Date.now();
    let resumed = false;
    // Asked as the engine stops answering: answered within bot.commandTimeout (10 s), saying so.
    const earlyInspect = await slash('inspect', { container: steady.name });

    // Readers that keep asking while it hangs: the control API (one engine request per read today) and /metrics.
    const reads: Promise<number>[] = [];
    const scrapes: { status: number; whileStalled: boolean }[] = [];
    const load = (async () => {
      while (!resumed) {
        reads.push(
          api(`/containers/${steady.id}/inspect`).then(
            (r) => r.status,
            () => -1,
          ),
        );
        const s = await rig.timedScrape();
        scrapes.push({ status: s.status, whileStalled: rig.proxy.isStalled });
        await sleep(250);
      }
    })();

    // A container that starts and crashes while the agent cannot hear it.
    const docker = testDocker();
    const crash = await runTestContainer({ name: 'stall-crash', cmd: ['sh', '-c', 'sleep 1; exit 3'] });

    await waitFor(async () => (await rig.metric('dockwatch_engine_up')) === 0, {
      what: 'dockwatch_engine_up 0 while the engine does not answer',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    const readsBeforeDown = reads.length;

    // While down: chat and ctl say the engine does not answer, never a list that may be wrong.
    expect(await earlyInspect.reply()).toContain(NO_ANSWER);
    const ps = await onDiscord('ps');
    expect(ps).toContain(`${HOST}: ${NO_ANSWER}`);
    expect(ps).not.toContain(steady.name);
    const inspect = await onDiscord('inspect', { container: steady.name });
    expect(inspect).toContain(NO_ANSWER);
    expect(inspect).not.toContain('did not finish');
    const list = await api('/containers');
    expect(list.status).toBe(503);
    expect(list.body.error).toContain(`${NO_ANSWER} (${rig.proxy.host}: no answer to GET /_ping within 2s)`);
    const ctl = await runCtl(rig.configFile, 'alice', 'ps');
    expect(ctl.code).toBe(4);
    expect(ctl.stderr).toContain(NO_ANSWER);

    // What waits on the engine stays bounded while the readers keep asking.
    const settled: number[] = [];
    while (Date.now() - stalledAt < STALL_MS) {
      settled.push(rig.proxy.openConnections);
      await sleep(250);
    }
    const inFlight = await rig.metric('dockwatch_engine_requests_in_flight');
    expect((await docker.getContainer(crash.id).inspect()).State.ExitCode).toBe(3);
    const peak = rig.proxy.peakConnections;

    rig.proxy.resume();
    resumed = true;
    await load;
    await waitFor(async () => (await rig.metric('dockwatch_engine_up')) === 1, {
      what: 'dockwatch_engine_up 1 once the engine answers again',
      timeoutMs: 30_000,
      intervalMs: 250,
    });

    expect(reads.length).toBeGreaterThan(20);
    // At most the reads asked before it counted as down (plus its own ping, stream, reconnect and ctl's), then a few.
    expect(peak).toBeLessThanOrEqual(readsBeforeDown + 6);
    expect(Math.max(...settled)).toBeLessThanOrEqual(6);
    expect(inFlight).toBeLessThanOrEqual(3);
    // Every read was answered (503 while down, never left hanging), and every scrape while the engine hung.
    const statuses = await Promise.all(reads);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses).toContain(503);
    expect(scrapes.filter((s) => s.status !== 200)).toEqual([]);
    expect(scrapes.filter((s) => s.whileStalled).length).toBeGreaterThan(20);

    // Resumed with `since`: the crash that happened meanwhile is alerted exactly once, the reads work again.
    await waitFor(async () => crashedFor(crash.name).length > 0, { what: 'the crash alert', timeoutMs: 30_000 });
    expect((await api(`/containers/${steady.id}/inspect`)).status).toBe(200);
    expect(await onDiscord('ps')).toContain(steady.name);
    const listed = (await api('/containers')).body.containers as { name: string; state: string }[];
    expect(listed.find((c) => c.name === crash.name)?.state).toBe('exited');
    await sleep(2_000);
    expect(crashedFor(crash.name)).toEqual(['firing']);
  }, 120_000);
});
