import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgentProcess, writeAgentConfig, type AgentProcess } from '../support/ctlProcess';
import { removeTestContainers, runTestContainer } from '../support/engine';
import { EngineStallProxy } from '../support/engineStallProxy';
import { freePort } from '../support/freePort';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';
import { waitFor } from '../support/waitFor';
import { crashAlertToWebhook } from '../support/engineStallRig';

/*
 * The first sync after connecting lists and inspects every container: 18-25 s with 1,000 on a busy engine. The event
 * stream used to open after it with `since` = its end, so what happened meanwhile was never seen as an event. Here
 * the engine is slow to list (the proxy holds `GET /containers/json` for 6 s) and a container crashes meanwhile: its
 * `die` must still raise the crash alert.
 */

const dir = mkdtempSync(join(tmpdir(), 'dockwatch-sync-window-'));
let proxy: EngineStallProxy;
let hook: RecordingServer;
let agent: AgentProcess | undefined;

type Sent = { rule: string; status: string; alerts: { labels: Record<string, string> }[] };

afterAll(async () => {
  await agent?.stop();
  await proxy?.close();
  await hook?.stop();
  await removeTestContainers();
  rmSync(dir, { recursive: true, force: true });
});

describe('the first sync after connecting', () => {
  it('misses no engine event that happens while it runs', async () => {
    proxy = await EngineStallProxy.start();
    hook = await startRecordingServer();
    proxy.hangRequests(/^GET \S*\/containers\/json[ ?]/, 6000);
    const port = await freePort();
    const configFile = join(dir, 'agent.yaml');
    writeAgentConfig(configFile, { dataDir: join(dir, 'data'), port, hostName: 'sync-host' }, [
      'docker:',
      `  host: "${proxy.host}"`,
      ...crashAlertToWebhook(hook.url),
    ]);
    agent = await startAgentProcess(configFile, port, { waitForReady: false });
    const { log } = agent;
    await waitFor(async () => proxy.heldRequests > 0, { what: 'the agent to list containers', timeoutMs: 30_000 });

    const crash = await runTestContainer({ name: 'sync-window-crash', cmd: ['sh', '-c', 'exit 3'] });
    const crashed = () =>
      hook
        .requestsTo('/hook')
        .map((r) => JSON.parse(r.body) as Sent)
        .filter((n) => n.rule === 'crashed' && n.alerts.some((a) => a.labels.container === crash.name));
    await waitFor(async () => crashed().length > 0, { what: 'the crash alert', timeoutMs: 45_000 }).catch((err) => {
      throw new Error(`${(err as Error).message}; the agent's log:\n${log()}`);
    });
    expect(crashed().map((n) => n.status)).toEqual(['firing']);
  }, 90_000);
});
