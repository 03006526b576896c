import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDockwatchImage, REPO_ROOT } from '../support/dockwatchImage';
import { removeTestContainers, runTestContainer, testDocker, waitFor, type TestContainer } from '../support/engine';
import { FakeDiscord, textOf, type FakeMember } from '../support/fakeDiscord';
import { freePort } from '../support/freePort';
import { startHttpRelay, type HttpRelay } from '../support/httpRelay';
import { ensurePrometheusImage } from '../support/prometheusImage';
import {
  createSecret,
  deployStack,
  ensureSwarmManager,
  removeLeftovers,
  removeSecrets,
  removeStack,
  restoreSwarm,
  serviceLogs,
  taskStates,
  type SwarmSession,
} from '../support/swarm';

const SUFFIX = Math.random().toString(36).slice(2, 8);
const STACK_PREFIX = 'dwtest';
const STACK = `${STACK_PREFIX}${SUFFIX}`;
const AGENT_TOKEN = `swarm-agent-token-${SUFFIX}`;
const DISCORD_TOKEN = `swarm-discord-token-${SUFFIX}`;
const ADMINS = { id: '820000000000000001', name: 'Ops' };
const alice: FakeMember = { id: '720000000000000001', username: 'alice', roles: [ADMINS.id] };

let session: SwarmSession | undefined;
let fake: FakeDiscord;
let relay: HttpRelay;
let dir: string;
let web: TestContainer;
let prometheusPort: number;
const secrets: string[] = [];
let deployed = false;

/**
 * deploy/swarm and deploy/prometheus/rules.yml copied as laid out in the repository, with the two edits a user
 * makes: the bot's config (this fake guild, its role as admin, a short discovery interval) and the stack's name in
 * prometheus.yml.
 */
function stackFolder(): string {
  cpSync(join(REPO_ROOT, 'deploy/swarm'), join(dir, 'swarm'), { recursive: true });
  mkdirSync(join(dir, 'prometheus'));
  cpSync(join(REPO_ROOT, 'deploy/prometheus/rules.yml'), join(dir, 'prometheus/rules.yml'));
  writeFileSync(
    join(dir, 'swarm/dockwatch-bot.yml'),
    [
      'agent: { dataDir: /data, logFormat: json }',
      'bot:',
      '  discord:',
      '    token: ${DISCORD_BOT_TOKEN}',
      `    guilds: ["${fake.guildId}"]`,
      `    alertChannel: "${fake.alertChannelId}"`,
      '  discovery: { dns: tasks.dockwatch_agent, port: 9417, token: "${DOCKWATCH_TOKEN}", interval: 2s }',
      '  roles: { admin: { commands: ["*"] } }',
      `  members: [{ role: admin, discordRoles: ["${ADMINS.name}"] }]`,
      '',
    ].join('\n'),
  );
  const prometheus = join(dir, 'swarm/prometheus.yml');
  writeFileSync(
    prometheus,
    readFileSync(prometheus, 'utf8')
      .replace('tasks.dockwatch_agent', `tasks.${STACK}_agent`)
      .replace(/scrape_interval: 15s/, 'scrape_interval: 2s')
      .replace(/refresh_interval: 30s/, 'refresh_interval: 2s'),
  );
  return join(dir, 'swarm');
}

async function slash(name: string): Promise<string> {
  const id = await fake.sendSlashCommand(alice, name);
  const reply = await fake.waitForReply(id, (r) => textOf(r.message ?? r.followUps[0]) !== '');
  return textOf(reply.message ?? reply.followUps[0]);
}

/** The host's address on the default bridge (docker0): its IPAM gateway, else the subnet's first address. */
async function bridgeGateway(): Promise<string> {
  const bridge = (await testDocker().getNetwork('bridge').inspect()) as {
    IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] };
  };
  const config = bridge.IPAM?.Config?.find((c) => c.Subnet?.includes('.'));
  const first = /^(\d+\.\d+\.\d+)\.\d+\//.exec(config?.Subnet ?? '');
  const gateway = config?.Gateway ?? (first ? `${first[1]}.1` : undefined);
  if (!gateway)
    throw new Error('the default bridge network has no IPv4 subnet for the bot to reach the fake Discord on');
  return gateway;
}

async function running(service: string): Promise<boolean> {
  return (await taskStates(service)).some((state) => state.startsWith('Running'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockwatch-swarm-'));
  const image = await ensureDockwatchImage(); // builds the local base first when it is missing
  const prometheusImage = await ensurePrometheusImage();
  session = await ensureSwarmManager();
  await removeLeftovers(STACK_PREFIX);
  fake = await FakeDiscord.start({ token: DISCORD_TOKEN, roles: [ADMINS], members: [alice] });
  // The bot's container cannot reach the fake on loopback: relay it on the default bridge's gateway address, which
  // the host owns and every container (overlay ones through docker_gwbridge) can reach.
  const gateway = await bridgeGateway();
  relay = await startHttpRelay(Number(new URL(fake.apiUrl).port), gateway);
  web = await runTestContainer({ name: 'swarm-web', cmd: ['sleep', '3600'], stopTimeoutSeconds: 1 });
  secrets.push(await createSecret(`${STACK}_dockwatch_token`, AGENT_TOKEN));
  secrets.push(await createSecret(`${STACK}_discord_token`, DISCORD_TOKEN));
  prometheusPort = await freePort();
  const folder = stackFolder();
  deployed = true;
  await deployStack(
    'dockwatch-stack.yml',
    STACK,
    {
      DOCKWATCH_IMAGE: image,
      PROMETHEUS_IMAGE: prometheusImage,
      DOCKWATCH_STACK: STACK,
      DISCORD_API_URL: `${relay.url}/api`,
      DOCKWATCH_TOKEN_SECRET: secrets[0] ?? '',
      DISCORD_TOKEN_SECRET: secrets[1] ?? '',
      PROMETHEUS_PORT: String(prometheusPort),
    },
    folder,
  );
}, 900_000);

afterAll(async () => {
  if (deployed) await removeStack(STACK);
  if (secrets.length > 0) await removeSecrets(secrets);
  await restoreSwarm(session);
  await relay?.close();
  await fake?.close();
  await removeTestContainers();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 180_000);

describe('deploy/swarm/dockwatch-stack.yml on a single-node Swarm (the built image, a fake Discord)', () => {
  it('runs the agent as a global service: one task on the node', async () => {
    await waitFor(() => running(`${STACK}_agent`), {
      what: `a running task of ${STACK}_agent`,
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
    const service = await testDocker().getService(`${STACK}_agent`).inspect();
    expect(service.Spec.Mode).toHaveProperty('Global');
  }, 150_000);

  it('the bot finds the agent through tasks.<stack>_agent and /ps lists the host container', async () => {
    await waitFor(() => running(`${STACK}_bot`), {
      what: `the ${STACK}_bot task`,
      timeoutMs: 60_000,
      intervalMs: 1000,
    });
    await waitFor(async () => fake.requests.some((r) => r.method === 'PUT'), {
      what: 'the bot in Swarm to log in to the fake Discord and register its commands',
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    const hostName = (await testDocker().info()).Name;
    const hosts = await waitFor(
      async () => {
        const text = await slash('hosts');
        return text.includes(hostName) && text;
      },
      {
        what: `/hosts to list the agent found through tasks.${STACK}_agent`,
        timeoutMs: 60_000,
        intervalMs: 1000,
      },
    );
    expect(hosts).toContain(hostName);
    const ps = await waitFor(
      async () => {
        const text = await slash('ps');
        return text.includes(web.name) && text;
      },
      { what: `/ps to list ${web.name}`, timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(ps).toContain(web.name);
    const logs = await serviceLogs(`${STACK}_bot`);
    expect(logs).not.toContain(AGENT_TOKEN);
    expect(logs).not.toContain(DISCORD_TOKEN);
  }, 240_000);

  it('Prometheus discovers the agent with dns_sd_configs and scrapes dockwatch_engine_up 1', async () => {
    const result = await waitFor(
      async () => {
        const res = await fetch(
          `http://127.0.0.1:${prometheusPort}/api/v1/query?query=${encodeURIComponent('dockwatch_engine_up{job="dockwatch"}')}`,
          { signal: AbortSignal.timeout(5000) },
        );
        const body = (await res.json()) as {
          data?: { result?: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return body.data?.result?.[0];
      },
      { what: 'dockwatch_engine_up in the stack Prometheus', timeoutMs: 120_000, intervalMs: 1000 },
    );
    expect(result.value[1]).toBe('1');
    expect(result.metric.instance).toMatch(/^\d+\.\d+\.\d+\.\d+:9417$/);
  }, 150_000);
});
