import { rmSync } from 'node:fs';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { TEST_IMAGE_V1, waitFor } from '../support/engine';
import { valueOf } from '../support/exposition';
import { freePort } from '../support/freePort';
import { copyImage, privateEngine, type PrivateEngine } from '../support/privateEngine';
import { makeTlsFiles, type TlsFiles } from '../support/tlsCerts';

let tls: TlsFiles;
let engine: PrivateEngine;
let tcpHost = '';
const agents: TestAgent[] = [];

beforeAll(async () => {
  tls = makeTlsFiles();
  const port = await freePort();
  tcpHost = `tcp://127.0.0.1:${port}`;
  engine = privateEngine(
    [
      `--host=${tcpHost}`,
      '--tlsverify',
      `--tlscacert=${tls.ca}`,
      `--tlscert=${tls.serverCert}`,
      `--tlskey=${tls.serverKey}`,
    ],
    { hostNetwork: true },
  );
  await engine.start();
  copyImage(TEST_IMAGE_V1, engine.host);
  const c = await engine.docker.createContainer({
    name: 'dwtest-remote',
    Image: TEST_IMAGE_V1,
    Cmd: ['sh', '-c', 'sleep 600 & sleep 600 & wait'],
    Labels: { 'dockwatch.test': '1' },
    HostConfig: { Memory: 32 * 1024 * 1024 },
  });
  await c.start();
});

afterAll(async () => {
  for (const a of agents) await a.stop();
  await engine?.destroy();
  rmSync(tls.dir, { recursive: true, force: true });
});

async function sampled(agent: TestAgent) {
  return waitFor(
    async () => {
      const s = await agent.scrape();
      return valueOf(s, 'container_memory_usage_bytes', { name: 'dwtest-remote' }) !== undefined ? s : undefined;
    },
    { what: 'the remote container sampled', timeoutMs: 30_000, intervalMs: 300 },
  );
}

describe('an engine over TCP with TLS', () => {
  it('connects with client certificates and samples through the Engine API collector', async () => {
    const agent = await startTestAgent(
      `docker: { host: "${tcpHost}", tls: { ca: "${tls.ca}", cert: "${tls.cert}", key: "${tls.key}" } }\nstats: { collector: api }`,
    );
    agents.push(agent);
    const s = await sampled(agent);
    expect(valueOf(s, 'dockwatch_stats_collector_info', { collector: 'api' })).toBe(1);
    expect(valueOf(s, 'container_spec_memory_limit_bytes', { name: 'dwtest-remote' })).toBe(32 * 1024 * 1024);
    expect(valueOf(s, 'container_threads', { name: 'dwtest-remote' })).toBe(3);
    expect(valueOf(s, 'container_processes', { name: 'dwtest-remote' })).toBeUndefined();
    expect(valueOf(s, 'container_cpu_usage_seconds_total', { name: 'dwtest-remote', cpu: 'total' })).toBeGreaterThan(0);
  });

  it('picks the cgroup collector by itself for a loopback TCP engine, and accepts verify: false', async () => {
    const agent = await startTestAgent(
      `docker: { host: "${tcpHost}", tls: { cert: "${tls.cert}", key: "${tls.key}", verify: false } }`,
    );
    agents.push(agent);
    const s = await sampled(agent);
    expect(valueOf(s, 'dockwatch_stats_collector_info', { collector: 'cgroup-v1' })).toBe(1);
    expect(valueOf(s, 'container_processes', { name: 'dwtest-remote' })).toBe(3);
  });

  it("reads a container's whole log over TLS, from the agent's own socket", async () => {
    const agent = await startTestAgent(
      [
        `docker: { host: "${tcpHost}", tls: { ca: "${tls.ca}", cert: "${tls.cert}", key: "${tls.key}" } }`,
        "alerts: { rules: [{ name: never, kind: log, contains: 'NEVER' }] }",
      ].join('\n'),
    );
    agents.push(agent);
    const c = await engine.docker.createContainer({
      name: 'dwtest-remote-logs',
      Image: TEST_IMAGE_V1,
      Cmd: [
        'sh',
        '-c',
        'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo "line $i"; [ $((i%3)) = 0 ] && echo "e $i" >&2; done',
      ],
      Labels: { 'dockwatch.test': '1' },
    });
    await c.start();
    const lines = async (stream: string) =>
      valueOf(await agent.scrape(), 'dockwatch_log_lines_total', { name: 'dwtest-remote-logs', stream }) ?? 0;
    await waitFor(async () => (await lines('stdout')) >= 3000 && (await lines('stderr')) >= 1000, {
      what: async () => `every line over TLS (stdout ${await lines('stdout')}, stderr ${await lines('stderr')})`,
      timeoutMs: 30_000,
    });
    expect({ stdout: await lines('stdout'), stderr: await lines('stderr') }).toEqual({ stdout: 3000, stderr: 1000 });
  });

  it('reports the engine down, not a crash, when the certificate is refused', async () => {
    const agent = await startTestAgent(`docker: { host: "${tcpHost}", tls: { ca: "${tls.ca}" } }`);
    agents.push(agent);
    await waitFor(
      async () =>
        (valueOf(await agent.scrape(), 'dockwatch_engine_api_errors_total', { operation: 'connect' }) ?? 0) > 0,
      { what: 'a connect error counted', timeoutMs: 10_000 },
    );
    expect(valueOf(await agent.scrape(), 'dockwatch_engine_up')).toBe(0);
  });
});
