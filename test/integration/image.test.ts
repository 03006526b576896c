import { readFileSync, statSync } from 'node:fs';
import type Docker from 'dockerode';
import { ensureDockwatchImage } from '../support/dockwatchImage';
import { runTool } from '../support/toolRun';
import {
  publishedPort,
  removeTestContainers,
  runTestContainer,
  testDocker,
  testRunId,
  TEST_LABEL,
  TEST_RUN_LABEL,
  waitFor,
  type TestContainer,
} from '../support/engine';

const SOCKET = '/var/run/docker.sock';
const TOKEN = 'image-test-agent-token';

let image: string;
let web: TestContainer;
let agent: Docker.Container;
let base: string;

/**
 * Runs the built image as the Dockerfile documents it: socket (with its group added), host cgroups and /proc, a
 * token, a loopback port.
 */
async function runImage(): Promise<Docker.Container> {
  const container = await testDocker().createContainer({
    name: `dwtest-image-agent-${testRunId.replace(/\W/g, '-')}`,
    Image: image,
    Env: [`DOCKWATCH_AGENT_TOKEN=${TOKEN}`, 'DOCKWATCH_DOCKER_PROC_ROOT=/host/proc', 'DOCKWATCH_STATS_INTERVAL=1s'],
    Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
    // Only the interval: the test command itself is the image's HEALTHCHECK (the engine merges the rest).
    Healthcheck: { Interval: 1_000_000_000, StartPeriod: 30_000_000_000 },
    ExposedPorts: { '9417/tcp': {} },
    HostConfig: {
      Binds: [`${SOCKET}:${SOCKET}`, '/sys/fs/cgroup:/sys/fs/cgroup:ro', '/proc:/host/proc:ro'],
      GroupAdd: [String(statSync(SOCKET).gid)],
      PortBindings: { '9417/tcp': [{ HostIp: '127.0.0.1', HostPort: '0' }] },
    },
  });
  await container.start();
  return container;
}

async function httpGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  image = await ensureDockwatchImage();
  web = await runTestContainer({ name: 'image-web', cmd: ['sleep', '3600'], stopTimeoutSeconds: 1 });
  agent = await runImage();
  base = `http://127.0.0.1:${await publishedPort(agent.id, 9417)}`;
}, 660_000);

afterAll(async () => {
  await removeTestContainers();
});

describe('the dockwatch container image (built from the Dockerfile on the local base, run on the host engine)', () => {
  it('becomes ready and exports the host containers and dockwatch_engine_up 1 on /metrics', async () => {
    await waitFor(async () => (await httpGet('/readyz')).status === 200, {
      what: '/readyz of the containerised agent',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const metrics = await waitFor(
      async () => {
        const { body } = await httpGet('/metrics');
        return (
          new RegExp(`^container_memory_usage_bytes\\{[^}]*name="${web.name}"[^}]*\\} [1-9]`, 'm').test(body) && body
        );
      },
      { what: `container_memory_usage_bytes for ${web.name}`, timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(metrics).toMatch(/^dockwatch_engine_up 1$/m);
  }, 120_000);

  it('the image HEALTHCHECK (node asking /healthz) turns the container healthy', async () => {
    const status = await waitFor(
      async () => {
        const health = (await agent.inspect()).State.Health?.Status;
        return health === 'healthy' || health === 'unhealthy' ? health : undefined;
      },
      { what: 'a health verdict from the image HEALTHCHECK', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(status).toBe('healthy');
  }, 90_000);

  it('runs as the non-root user dockwatch, reaching the socket through --group-add', async () => {
    const info = await agent.inspect();
    expect(info.Config.User).toBe('dockwatch');
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${info.State.Pid}/status`, 'utf8'))?.[1];
    expect(uid).toBe('10001');
    expect(info.HostConfig.GroupAdd).toEqual([String(statSync(SOCKET).gid)]);
  });

  it('keeps the control API behind the token off loopback', async () => {
    expect((await httpGet('/api/v1/containers')).status).toBe(401);
    const authed = await httpGet('/api/v1/containers', { authorization: `Bearer ${TOKEN}` });
    expect(authed.status).toBe(200);
    expect(authed.body).toContain(web.name);
    expect(readFileSync(`/proc/${(await agent.inspect()).State.Pid}/cmdline`, 'utf8')).not.toContain(TOKEN);
  }, 30_000);

  it('holds only dist, the production node_modules and package.json, with /data as its volume', async () => {
    const probe = [
      "const fs = require('fs');",
      "console.log(JSON.stringify({ app: fs.readdirSync('.').sort(), typescript: fs.existsSync('node_modules/typescript'),",
      "  jest: fs.existsSync('node_modules/jest'), sqlite: !!new (require('better-sqlite3'))(':memory:') }));",
    ].join('\n');
    const run = await runTool('docker', [
      'run',
      '--rm',
      '--label',
      `${TEST_LABEL}=1`,
      '--entrypoint',
      'node',
      image,
      '-e',
      probe,
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.output)).toEqual({
      app: ['dist', 'node_modules', 'package.json'],
      typescript: false,
      jest: false,
      sqlite: true,
    });
    const config = (await testDocker().getImage(image).inspect()).Config;
    expect(Object.keys(config.Volumes ?? {})).toEqual(['/data']);
    expect(config.Env).toContain('DOCKWATCH_AGENT_DATA_DIR=/data');
    expect(config.Healthcheck?.Test?.join(' ')).toContain('DOCKWATCH_HEALTH_URL');
  }, 60_000);
});
