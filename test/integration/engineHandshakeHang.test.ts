import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgentProcess, writeAgentConfig, type AgentProcess } from '../support/ctlProcess';
import { EngineStallProxy } from '../support/engineStallProxy';
import { parseExposition, valueOf } from '../support/exposition';
import { freePort } from '../support/freePort';
import { waitFor } from '../support/waitFor';

/*
 * dockerd 20.10's networking deadlock (moby/moby#46661): `/_ping` and `/containers/json` answer, `GET /info` hangs for
 * good. The agent's connect handshake asks `/info`; before, it waited on it for ever, not ready, engine down and no
 * word in its log. Now the handshake is bounded by `docker.stallTimeout`, reported, and retried with backoff.
 */

const dir = mkdtempSync(join(tmpdir(), 'dockwatch-handshake-hang-'));
let proxy: EngineStallProxy;
let agent: AgentProcess | undefined;

afterAll(async () => {
  await agent?.stop();
  await proxy?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an engine whose /info hangs while /_ping answers', () => {
  it('is reported as not answering /info, stays down, and is connected once /info answers again', async () => {
    proxy = await EngineStallProxy.start();
    proxy.hangRequests(/^GET \S*\/info[ ?]/);
    const port = await freePort();
    const configFile = join(dir, 'agent.yaml');
    writeAgentConfig(configFile, { dataDir: join(dir, 'data'), port, hostName: 'hang-host' }, [
      'docker:',
      `  host: "${proxy.host}"`,
      '  stallTimeout: 2s',
    ]);
    agent = await startAgentProcess(configFile, port, { waitForReady: false });
    const { log } = agent;
    const scrape = async () => parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());

    await waitFor(async () => log().includes('the Docker engine did not answer GET /info within 2s'), {
      what: 'the agent to report the hung /info',
      timeoutMs: 20_000,
    });
    expect(valueOf(await scrape(), 'dockwatch_engine_up')).toBe(0);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);

    proxy.hangRequests(undefined);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, {
      what: 'the agent to connect once /info answers',
      timeoutMs: 45_000,
    });
    expect(valueOf(await scrape(), 'dockwatch_engine_up')).toBe(1);
    expect(agent.process.exitCode).toBeNull();
  }, 90_000);
});
