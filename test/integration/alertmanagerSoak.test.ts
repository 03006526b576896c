import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { removeTestContainers, runTestContainer, testDocker, waitFor } from '../support/engine';
import { valueOf } from '../support/exposition';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';

/** What Alertmanager's webhook receiver is sent (the fields the test reads). */
type AmWebhook = { status: 'firing' | 'resolved'; alerts: { status: string; labels: Record<string, string> }[] };

/** The agents under test: the same rules, sampling at the minimum interval and at the default one. */
const AGENTS = [
  { host: 'soak-1s', interval: '1s' },
  { host: 'soak-5s', interval: '5s' },
];
const SOAK_MS = 60_000;
/** Longer than the soak, so the crash alert fires throughout it and then resolves by itself. */
const RESOLVE_AFTER_S = 75;

function agentConfig(host: string, interval: string, amUrl: string, crashName: string, floodName: string): string {
  return [
    `agent: { hostName: ${host} }`,
    `stats: { interval: ${interval} }`,
    'alerts:',
    '  groupWait: 0s',
    '  groupWindow: 1s',
    '  rules:',
    `    - { name: crashed, kind: event, event: die, resolveAfter: ${RESOLVE_AFTER_S}s, containers: { names: ["${crashName}"] } }`,
    // Matches every flood line (the engine evaluates on each), never reaches its threshold.
    `    - { name: flood-watch, kind: log, contains: "flood line", threshold: { count: 100000000, window: 1m }, containers: { names: ["${floodName}"] } }`,
    '  routes: [{ notifiers: [am] }]',
    'notifiers:',
    `  - { name: am, type: alertmanager, url: "${amUrl}", resendInterval: 2s }`,
  ].join('\n');
}

/** The notifications Alertmanager sent its receiver about `host`'s crash alert, in arrival order. */
function receivedFor(server: RecordingServer, host: string): string[] {
  return server
    .requestsTo('/am-hook')
    .map((r) => JSON.parse(r.body) as AmWebhook)
    .flatMap((w) => w.alerts.filter((a) => a.labels.alertname === 'crashed' && a.labels.host === host))
    .map((a) => a.status);
}

describe('a firing alert stays firing in a real Alertmanager for as long as dockwatch fires it', () => {
  let receiver: RecordingServer;
  let alertmanager: RunningAlertmanager;
  const agents: TestAgent[] = [];

  beforeAll(async () => {
    receiver = await startRecordingServer();
    alertmanager = await startAlertmanager({ receiverUrl: `${receiver.url}/am-hook` });
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await alertmanager?.stop();
    await receiver?.stop();
    await removeTestContainers();
  });

  it('re-sends every resendInterval whatever the sampling interval and a log flood: no resolved notification until the rule resolves, then one', async () => {
    const flood = await runTestContainer({
      name: 'soak-flood',
      cmd: [
        'sh',
        '-c',
        'while :; do i=0; while [ $i -lt 500 ]; do echo "flood line $i"; i=$((i+1)); done; sleep 0.1; done',
      ],
      start: false,
    });
    const crash = await runTestContainer({ name: 'soak-crash', cmd: ['sh', '-c', 'sleep 3; exit 1'], start: false });
    for (const a of AGENTS) {
      agents.push(await startTestAgent(agentConfig(a.host, a.interval, alertmanager.url, crash.name, flood.name)));
    }
    await testDocker().getContainer(flood.id).start();
    await testDocker().getContainer(crash.id).start();

    const active = async () =>
      (await alertmanager.alerts()).filter((a) => a.labels.alertname === 'crashed' && a.status.state === 'active');
    await waitFor(async () => (await active()).length === AGENTS.length, {
      what: 'the crash alert of both agents active in Alertmanager',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    const firedAt = Date.now();

    // For a minute: the alert of each agent stays active, and Alertmanager tells its receiver nothing is resolved.
    const gaps: string[] = [];
    while (Date.now() - firedAt < SOAK_MS) {
      const hosts = (await active()).map((a) => a.labels.host).sort();
      if (hosts.length !== AGENTS.length) gaps.push(`${Math.round((Date.now() - firedAt) / 1000)}s: ${hosts}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(gaps).toEqual([]);
    for (const a of AGENTS) expect(receivedFor(receiver, a.host)).toEqual(['firing']);
    // The flood went through both agents' rule engines meanwhile.
    for (const agent of agents) {
      const matched = valueOf(await agent.scrape(), 'dockwatch_rule_matches_total', { rule: 'flood-watch' }) ?? 0;
      expect(matched).toBeGreaterThan(50_000);
    }

    // Then the rule resolves (resolveAfter after the exit): exactly one resolved notification per agent.
    await waitFor(async () => AGENTS.every((a) => receivedFor(receiver, a.host).includes('resolved')) || undefined, {
      what: 'a resolved notification for both agents',
      timeoutMs: 40_000,
      intervalMs: 500,
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const a of AGENTS) expect(receivedFor(receiver, a.host)).toEqual(['firing', 'resolved']);
    expect(await active()).toEqual([]);
  }, 180_000);
});
