import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerInspectInfo } from 'dockerode';
import {
  ctlHistory,
  ctlHistoryUntil,
  historySummary,
  runCtl,
  startAgentProcess,
  writeAgentConfig,
  type AgentProcess,
  type HistoryRow,
} from '../support/ctlProcess';
import { docker, dockerRun } from '../support/dockerRun';
import { freePort } from '../support/freePort';
import { removeTestContainers, TEST_IMAGE_V1, TEST_IMAGE_V2, TEST_LABEL, testDocker } from '../support/engine';
import { removeKeepTags } from '../support/keepTags';

const inspect = (name: string) => testDocker().getContainer(name).inspect();

const suffix = randomBytes(3).toString('hex');
const name = `dwtest-2p-${suffix}`;
const netA = `dwtest-2p-a-${suffix}`;
const netB = `dwtest-2p-b-${suffix}`;
const volume = `dwtest-2p-vol-${suffix}`;
const subnet = `10.213.${randomBytes(1)[0] ?? 7}.0/24`;
const staticIp = subnet.replace(/0\/24$/, '77');
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-2p-'));
const configFile = join(dir, 'dockwatch.yaml');

const ctl = (...args: string[]) => runCtl(configFile, 'alice', ...args);
const history = () => ctlHistory(configFile, 'alice', name);
let agent: AgentProcess | undefined;
/** Polls `ctl history` until `ok` holds; a timeout names the last rows and ends with the agent's latest log lines. */
const historyUntil = (what: string, ok: (rows: HistoryRow[]) => boolean) =>
  ctlHistoryUntil(configFile, 'alice', name, what, ok).catch((err: Error) => {
    const tail = (agent?.log() ?? '').trimEnd().split('\n').slice(-40).join('\n');
    throw new Error(`${err.message}\nthe agent's last log lines:\n${tail}`, { cause: err });
  });
const summary = historySummary;

/**
 * Runs `image` under the name as compose and many users do: `docker run` on network a (with an alias, a port, a
 * volume, env, a label, a restart policy and a healthcheck); `deploy` then connects b with an alias and a static IP
 * once it runs.
 */
async function runApp(image: string): Promise<string> {
  await docker('rm', '-f', name).catch(() => undefined);
  return dockerRun(
    name,
    image,
    [
      ...['--label', 'app=demo', '--network', netA, '--network-alias', 'web-a', '-p', '127.0.0.1::8080'],
      ...['-v', `${volume}:/data`, '-e', 'GREETING=hello', '--restart', 'unless-stopped', '--stop-timeout', '1'],
      ...['--health-cmd', '[ -z "$BROKEN" ]', '--health-interval', '1s', '--health-retries', '1'],
    ],
    ['sh', '-c', 'cat /VERSION >> /data/boots; exec sleep 3600'],
  );
}

const connectB = () => docker('network', 'connect', '--alias', 'web-b', '--ip', staticIp, netB, name);

async function deploy(image: string): Promise<string> {
  const id = await runApp(image);
  await connectB();
  return id;
}

/** What a revision restores: the fields the issue names, compared between two containers. */
function restorable(info: ContainerInspectInfo) {
  const networks = info.NetworkSettings.Networks;
  const aliases = (n: string) => (networks[n]?.Aliases ?? []).filter((a: string) => a !== info.Id.slice(0, 12)).sort();
  return {
    image: info.Image,
    env: [...(info.Config.Env ?? [])].sort(),
    labels: info.Config.Labels,
    ports: Object.keys(info.HostConfig.PortBindings ?? {}),
    binds: info.HostConfig.Binds,
    restart: info.HostConfig.RestartPolicy?.Name,
    health: info.Config.Healthcheck?.Test,
    networks: Object.keys(networks).sort(),
    aliasesA: aliases(netA),
    aliasesB: aliases(netB),
    ipB: networks[netB]?.IPAMConfig?.IPv4Address,
  };
}

describe('agent and ctl on one data dir: one writer of revisions', () => {
  let v3Image = '';
  let v1: ContainerInspectInfo;

  beforeAll(async () => {
    await docker('network', 'create', netA);
    await docker('network', 'create', '--subnet', subnet, netB);
    await docker('volume', 'create', volume);
    const base = await docker('create', '--label', `${TEST_LABEL}=1`, TEST_IMAGE_V2, 'true');
    v3Image = await docker('commit', '--change', 'ENV BROKEN=1', base);
    await docker('rm', base);
    const port = await freePort();
    writeAgentConfig(configFile, { dataDir: join(dir, 'data'), port, hostName: 'two-processes' }, [
      'stats: { interval: 1s }',
      'revisions: { keep: 8, rollbackTimeout: 20s }',
    ]);
    agent = await startAgentProcess(configFile, port);
  }, 60_000);

  afterAll(async () => {
    if (process.env.DOCKWATCH_TEST_LOG) process.stderr.write(agent?.log() ?? '');
    await agent?.stop();
    await removeTestContainers();
    await removeKeepTags([name]);
    if (v3Image) await docker('rmi', '-f', v3Image).catch(() => undefined);
    for (const n of [netA, netB]) await docker('network', 'rm', n).catch(() => undefined);
    await docker('volume', 'rm', volume).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps history through failed rollbacks, skips the failed revision, and restores v1 exactly with both networks', async () => {
    const v1Id = await deploy(TEST_IMAGE_V1);
    await historyUntil('v1 recorded and healthy', (h) => h.length === 1 && h[0]?.lastRun === 'healthy');
    v1 = await inspect(v1Id);
    await deploy(TEST_IMAGE_V2);
    await historyUntil('v2 recorded', (h) => h[0]?.revision === 2 && h[0].current);
    await deploy(v3Image);
    await historyUntil('v3 recorded and failed', (h) => h[0]?.revision === 3 && h[0].lastRun === 'failed');
    const v2Id = await deploy(TEST_IMAGE_V2);
    const before = await historyUntil('v2 again, healthy', (h) => h[0]?.revision === 4 && h[0].lastRun === 'healthy');
    expect(summary(before)).toEqual([
      `4* ${TEST_IMAGE_V2} healthy`,
      `3 ${v3Image} failed`,
      `2 ${TEST_IMAGE_V2} healthy`,
      `1 ${TEST_IMAGE_V1} healthy`,
    ]);
    // A connect after the start belongs to the revision: no config-only revision for network b.
    expect(before.map((r) => r.changes)).toEqual(['new image, Config.Env', 'new image, Config.Env', 'new image', '-']);

    for (const attempt of [1, 2]) {
      const failed = await ctl('rollback', name, '--to', '3', '--yes');
      expect({ attempt, code: failed.code }).toEqual({ attempt, code: 4 });
      expect(failed.stderr).toMatch(
        /failed at wait: the health check failed \(unhealthy\); the previous container is back/,
      );
      const back = await inspect(name);
      expect(back.Id).toBe(v2Id);
      expect(back.State.Running).toBe(true);
    }
    // Whatever the agent settles meanwhile (it looks every 2 s), the history stays as it was.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await history()).map((r) => r.line)).toEqual(before.map((r) => r.line));

    // A plain rollback passes over the revision that just failed and the one that is the current config.
    const plain = await ctl('rollback', name, '--yes');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`revision 1 (${TEST_IMAGE_V1})`);
    expect(plain.stdout).toMatch(
      /passed over 3, its last run failed .*; 2, the same image and config as the current one/,
    );
    expect(restorable(await inspect(name))).toEqual(restorable(v1));
    // Every start appended its version: v1 first, the restored v1 last; the volume kept it all.
    const boots = (await docker('exec', name, 'cat', '/data/boots')).split('\n');
    expect([boots[0], boots.at(-1), boots.length]).toEqual(['1', '1', 9]);
    const after = await historyUntil('the rollback recorded by the agent', (h) => h[0]?.revision === 5);
    expect(after[0]?.changes).toBe('new image (rollback to revision 1)');
    expect(after[0]?.lastRun).toBe('healthy');

    // And back and forth by number: revision 1 is still there to go back to.
    expect((await ctl('rollback', name, '--to', '4', '--yes')).code).toBe(0);
    await historyUntil('revision 6 (v2) current', (h) => h[0]?.revision === 6 && h[0].current);
    const again = await ctl('rollback', name, '--to', '1', '--yes');
    expect(again.code).toBe(0);
    expect(restorable(await inspect(name))).toEqual(restorable(v1));
    const last = await historyUntil('revision 7 (v1) current', (h) => h[0]?.revision === 7 && h[0].current);
    expect(last.map((r) => r.revision)).toEqual([7, 6, 5, 4, 3, 2, 1]);
  }, 300_000);

  it('follows network changes of the running container in its revision, and merges a revision that became the one before', async () => {
    const count = (await history()).length;
    await docker('network', 'disconnect', netB, name);
    await historyUntil(
      'the current revision without network b',
      (h) => h.length === count && h[0]?.changes.includes(`Networks.${netB}`) === true,
    );
    await connectB();
    await historyUntil(
      'network b back in the current revision',
      (h) => h.length === count && !h[0]?.changes.includes(`Networks.${netB}`),
    );

    // The same image and config again, but network b connected only once the revision was recorded.
    await runApp(TEST_IMAGE_V1);
    const split = await historyUntil('a config-only revision without b', (h) => h.length === count + 1);
    expect(split[0]?.changes).toBe(`config: Networks.${netB}`);
    await connectB();
    const merged = await historyUntil(
      'the revision merged into the one before',
      (h) => h.length === count && h[0]?.current === true,
    );
    expect(merged[0]?.revision).toBe(7);
  }, 120_000);
});
