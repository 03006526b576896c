import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../app/agent';
import { createLogger } from '../../shared/logger';
import { openStore } from '../../agent/store/database';
import { loadConfig } from '../../config/load';
import { runCtl, startAgentProcess, writeAgentConfig, type AgentProcess } from '../support/ctlProcess';
import { freePort } from '../support/freePort';
import { removeTestContainers, runTestContainer, testDocker, waitFor } from '../support/engine';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';

// `dockwatch ctl` runs the agent's code passively next to a running agent on one data dir: it must not evaluate alert
// rules, queue notifications or overwrite the alert state and event position, or the agent delivers its duplicates
// (seen: an update notice resolved twice, once by the agent and once by a ctl deploy running at the same time).

const logger = createLogger({ level: 'error', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });

describe('a passive agent (what dockwatch ctl runs) on a data dir with alert rules', () => {
  let dir: string;
  let hook: RecordingServer;
  let ctl: RunningAgent | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dockwatch-ctl-passive-'));
    hook = await startRecordingServer();
  });

  afterAll(async () => {
    await ctl?.stop();
    await hook.stop();
    await removeTestContainers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees a container die but queues no notification and writes no alert state or event position', async () => {
    const file = join(dir, 'dockwatch.yaml');
    writeAgentConfig(file, { dataDir: join(dir, 'store'), port: 0 }, [
      'stats: { interval: 1s }',
      'alerts:',
      '  groupWait: 0s',
      '  rules: [{ name: died, kind: event, event: die }]',
      '  routes: [{ notifiers: [hook] }]',
      `notifiers: [{ name: hook, type: webhook, url: "${hook.url}/hook" }]`,
    ]);
    const config = loadConfig({ file, env: { DOCKER_HOST: process.env.DOCKER_HOST } });
    const agent = await startAgent(config, logger, { passive: true });
    ctl = agent;
    await waitFor(async () => agent.engine.up, { what: 'the passive agent synced' });
    const c = await runTestContainer({ cmd: ['sh', '-c', 'sleep 1; exit 3'] });
    await waitFor(async () => agent.inventory.get(c.id)?.state === 'exited', {
      what: 'the passive agent to see the container exit',
      timeoutMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await agent.stop();
    ctl = undefined;

    const store = openStore(join(dir, 'store'));
    try {
      const count = (sql: string) => (store.prepare(sql).get() as { n: number }).n;
      expect({
        outbox: count('SELECT count(*) AS n FROM outbox_notifications'),
        state: count('SELECT count(*) AS n FROM alert_state'),
        position: count("SELECT count(*) AS n FROM meta WHERE key = 'events.position'"),
      }).toEqual({ outbox: 0, state: 0, position: 0 });
    } finally {
      store.close();
    }
    expect(hook.requests).toEqual([]);
  }, 60_000);

  it("a ctl stop next to a running agent is the operator's: no unexpected-stop alert (a docker stop still has one)", async () => {
    const port = await freePort();
    const file = join(dir, 'agent-and-ctl.yaml');
    writeAgentConfig(file, { dataDir: join(dir, 'shared'), port }, [
      'alerts:',
      '  groupWait: 0s',
      '  rules: [{ name: stopped, kind: event, event: unexpected-stop }]',
      '  routes: [{ notifiers: [hook] }]',
      `notifiers: [{ name: hook, type: webhook, url: "${hook.url}/stops" }]`,
    ]);
    let agent: AgentProcess | undefined;
    try {
      agent = await startAgentProcess(file, port);
      const [byCtl, byDocker] = await Promise.all([
        runTestContainer({ cmd: ['sleep', '600'] }),
        runTestContainer({ cmd: ['sleep', '600'] }),
      ]);
      await waitFor(
        async () => {
          const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/containers`)).json()) as {
            containers: { name: string; state: string }[];
          };
          const running = body.containers.filter((c) => c.state === 'running').map((c) => c.name);
          return running.includes(byCtl.name) && running.includes(byDocker.name);
        },
        { what: 'the agent to list both containers running' },
      );
      const stopped = await runCtl(file, 'alice', 'stop', byCtl.name, '--yes');
      expect({ code: stopped.code, stderr: stopped.stderr }).toEqual({ code: 0, stderr: '' });
      await testDocker().getContainer(byDocker.id).stop({ t: 1 });
      const sent = await waitFor(async () => hook.requestsTo('/stops').length > 0 && hook.requestsTo('/stops'), {
        what: "the alert for docker's stop",
        timeoutMs: 20_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const containers = hook
        .requestsTo('/stops')
        .flatMap((r) => (JSON.parse(r.body) as { alerts: { labels: { container: string } }[] }).alerts)
        .map((a) => a.labels.container);
      expect(sent.length).toBeGreaterThan(0);
      expect([...new Set(containers)]).toEqual([byDocker.name]);
    } finally {
      await agent?.stop();
    }
  }, 90_000);

  it('refuses a silence on the console, saying where silences are kept, instead of keeping it in a process that exits', async () => {
    const file = join(dir, 'ctl.yaml');
    writeAgentConfig(file, { dataDir: join(dir, 'store') });
    const added = await runCtl(file, 'alice', 'silence', 'web-*', '1h');
    expect(added.code).toBe(4);
    expect(added.stderr).toContain('silences are kept by the running agent, not by ctl');
  }, 60_000);
});
