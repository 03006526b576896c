import { startRecordingServer, type RecordingServer } from '../support/recordingServer';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { removeTestContainers, runTestContainer, testDocker, waitFor } from '../support/engine';

type Sent = {
  rule: string;
  status: string;
  count: number;
  alerts: { labels: Record<string, string>; lines?: string[] }[];
};

/** The webhook notifications that concern `container`, in arrival order. */
function sentFor(server: RecordingServer, container: string): Sent[] {
  return server
    .requestsTo('/hook')
    .map((r) => JSON.parse(r.body) as Sent)
    .filter((n) => n.alerts.some((a) => a.labels.container === container));
}

const statuses = (sent: Sent[], rule: string) => sent.filter((s) => s.rule === rule).map((s) => s.status);

describe('alerts on the real engine, delivered to a webhook', () => {
  let server: RecordingServer;
  let agent: TestAgent;

  beforeAll(async () => {
    await removeTestContainers();
    server = await startRecordingServer();
    agent = await startTestAgent(
      [
        'alerts:',
        '  groupWait: 100ms',
        '  groupWindow: 2s',
        '  rules:',
        '    - { name: oom-killed, kind: event, event: oom, severity: critical, resolveAfter: 3s }',
        '    - { name: crashed, kind: event, event: die, ignoreExitCodes: [0, 137], resolveAfter: 3s }',
        '    - { name: restart-loop, kind: event, event: restart-loop, threshold: { count: 3, window: 8s } }',
        '    - { name: unhealthy, kind: event, event: unhealthy }',
        "    - { name: app-errors, kind: log, match: 'ERROR code=\\d+', resolveAfter: 2s }",
        '  routes:',
        '    - { notifiers: [hook] }',
        'notifiers:',
        `  - { name: hook, type: webhook, url: "${server.url}/hook" }`,
      ].join('\n'),
    );
  }, 30_000);

  afterAll(async () => {
    await agent?.stop();
    await server?.stop();
    await removeTestContainers();
  });

  it('an OOM-killed container fires once and resolves', async () => {
    const c = await runTestContainer({
      name: 'oom',
      // 32 MB, not less: runc's own init is charged to the container while it starts (8.4 MB seen), and a limit
      // under that fails the start ('unable to set memory limit') or OOM-kills the shell before it runs.
      memory: '32m',
      cmd: ['sh', '-c', 'sleep 1; yes | tr \\\\n x | head -c 50m | tail'],
    });
    await waitFor(async () => statuses(sentFor(server, c.name), 'oom-killed').includes('resolved'), {
      what: 'the OOM alert to fire and resolve',
      timeoutMs: 30_000,
    });
    expect(statuses(sentFor(server, c.name), 'oom-killed')).toEqual(['firing', 'resolved']);
    expect(statuses(sentFor(server, c.name), 'crashed')).toEqual([]);
  }, 40_000);

  it('a crash-looping container fires restart-loop once and resolves when it is fixed', async () => {
    const c = await runTestContainer({
      name: 'loop',
      restartPolicy: 'always',
      cmd: ['sh', '-c', 'sleep 0.5; exit 1'],
    });
    await waitFor(async () => statuses(sentFor(server, c.name), 'restart-loop').includes('firing'), {
      what: 'the restart-loop alert',
      timeoutMs: 30_000,
    });
    await testDocker()
      .getContainer(c.id)
      .update({ RestartPolicy: { Name: 'no' } });
    await waitFor(async () => statuses(sentFor(server, c.name), 'restart-loop').includes('resolved'), {
      what: 'the restart loop to resolve once the restarts stopped',
      timeoutMs: 30_000,
    });
    expect(statuses(sentFor(server, c.name), 'restart-loop')).toEqual(['firing', 'resolved']);
    expect(statuses(sentFor(server, c.name), 'crashed')[0]).toBe('firing');
    expect(statuses(sentFor(server, c.name), 'crashed').filter((s) => s === 'firing')).toHaveLength(1);
  }, 60_000);

  it('a failing health check fires unhealthy once and resolves when the check passes', async () => {
    const c = await runTestContainer({
      name: 'health',
      healthCmd: 'test -f /tmp/ok',
      healthIntervalMs: 500,
      cmd: ['sleep', '600'],
    });
    await waitFor(async () => statuses(sentFor(server, c.name), 'unhealthy').includes('firing'), {
      what: 'the unhealthy alert',
      timeoutMs: 20_000,
    });
    const exec = await testDocker()
      .getContainer(c.id)
      .exec({ Cmd: ['touch', '/tmp/ok'] });
    await exec.start({ Detach: true });
    await waitFor(async () => statuses(sentFor(server, c.name), 'unhealthy').includes('resolved'), {
      what: 'the unhealthy alert to resolve',
      timeoutMs: 20_000,
    });
    expect(statuses(sentFor(server, c.name), 'unhealthy')).toEqual(['firing', 'resolved']);
  }, 40_000);

  it('a matching log line fires once, carrying the line, and resolves', async () => {
    const c = await runTestContainer({
      name: 'errors',
      cmd: [
        'sh',
        '-c',
        'echo starting; sleep 0.5; echo "ERROR code=42 disk full" >&2; echo "ERROR code=43 again"; sleep 600',
      ],
    });
    await waitFor(async () => statuses(sentFor(server, c.name), 'app-errors').includes('resolved'), {
      what: 'the log alert to fire and resolve',
      timeoutMs: 20_000,
    });
    const sent = sentFor(server, c.name).filter((s) => s.rule === 'app-errors');
    expect(sent.map((s) => s.status)).toEqual(['firing', 'resolved']);
    expect(sent[0]?.alerts[0]?.lines?.join('\n')).toContain('ERROR code=42 disk full');
  }, 30_000);
});

describe('the digest', () => {
  let server: RecordingServer;
  let agent: TestAgent;
  afterAll(async () => {
    await agent?.stop();
    await server?.stop();
    await removeTestContainers();
  });

  it('goes out on its node-cron schedule with the exits and matches of the period', async () => {
    server = await startRecordingServer();
    agent = await startTestAgent(
      [
        'alerts:',
        "  rules: [{ name: app-errors, kind: log, contains: 'FAILED' }]",
        "  digest: { schedule: '*/2 * * * * *', notifiers: [hook] }",
        'notifiers:',
        `  - { name: hook, type: webhook, url: "${server.url}/hook" }`,
      ].join('\n'),
    );
    const c = await runTestContainer({
      name: 'digest',
      cmd: ['sh', '-c', 'echo "job FAILED"; echo "job FAILED"; exit 4'],
    });
    type Digest = { kind: string; sections: { title: string; rows: { name: string; value: string }[] }[] };
    const rows = () =>
      server
        .requestsTo('/hook')
        .map((r) => JSON.parse(r.body) as Digest)
        .filter((n) => n.kind === 'digest')
        .flatMap((d) => d.sections.flatMap((s) => s.rows.map((r) => `${s.title}|${r.name}|${r.value}`)));
    const total = (name: string) =>
      rows()
        .filter((r) => r.startsWith(`Summary|${name}|`))
        .reduce((sum, r) => sum + Number(r.split('|')[2]), 0);
    await waitFor(async () => total('Non-zero exits') >= 1 && total('Log lines matching rules') >= 2, {
      what: 'digests counting the exit and the two matching lines',
      timeoutMs: 20_000,
    });
    expect(total('Non-zero exits')).toBe(1);
    expect(total('Log lines matching rules')).toBe(2);
    expect(rows()).toContain(`Non-zero exits|${c.name}|1 (exit 4 ×1)`);
  }, 40_000);
});
