import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { TEST_IMAGE_V1, waitFor } from '../support/engine';
import { valueOf } from '../support/exposition';
import { copyImage, privateEngine, type PrivateEngine } from '../support/privateEngine';

let engine: PrivateEngine;
let agent: TestAgent | undefined;

beforeAll(() => {
  engine = privateEngine();
});

afterAll(async () => {
  await agent?.stop();
  await engine.destroy();
});

async function runOn(name: string) {
  const c = await engine.docker.createContainer({
    name,
    Image: TEST_IMAGE_V1,
    Cmd: ['sleep', '600'],
    Labels: { 'dockwatch.test': '1' },
    HostConfig: { NetworkMode: 'none' },
  });
  await c.start();
  return c.id;
}

describe('engine outages', () => {
  it('serves /metrics with engine_up 0 while the engine is away, and recovers by itself', async () => {
    agent = await startTestAgent(`docker: { host: "${engine.host}" }`);
    const a = agent;
    const metric = async (name: string, labels: Record<string, string> = {}) => valueOf(await a.scrape(), name, labels);

    // Unreachable at start: still serving, engine_up 0, not ready.
    expect(await metric('dockwatch_engine_up')).toBe(0);
    expect((await fetch(`${a.url}/readyz`)).status).toBe(503);

    await engine.start();
    copyImage(TEST_IMAGE_V1, engine.host);
    await waitFor(async () => (await metric('dockwatch_engine_up')) === 1, {
      what: 'engine_up 1 after start',
      timeoutMs: 40_000,
    });
    await runOn('dwtest-outage-a');
    await waitFor(
      async () => (await metric('container_memory_usage_bytes', { name: 'dwtest-outage-a' })) !== undefined,
      {
        what: 'the first container sampled',
        timeoutMs: 15_000,
      },
    );

    // Killed mid-run.
    await engine.kill();
    await waitFor(async () => (await metric('dockwatch_engine_up')) === 0, {
      what: 'engine_up 0 after kill',
      timeoutMs: 15_000,
    });
    expect((await a.scrapeText()).status).toBe(200);

    // Back, and a container created before the agent reconnects still shows up.
    await engine.start();
    await runOn('dwtest-outage-b');
    await waitFor(async () => (await metric('dockwatch_engine_up')) === 1, {
      what: 'engine_up 1 after restart',
      timeoutMs: 40_000,
    });
    await waitFor(
      async () => (await metric('dockwatch_container_state', { name: 'dwtest-outage-b', state: 'running' })) === 1,
      { what: 'the container created during the outage', timeoutMs: 15_000 },
    );
    expect(await metric('dockwatch_engine_api_errors_total', { operation: 'connect' })).toBeGreaterThan(0);
  });
});
