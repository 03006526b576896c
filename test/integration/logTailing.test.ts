import { RecordingAgent, type SeenLine } from '../support/recordingAgent';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';
import { removeTestContainers, runTestContainer, testDocker, waitFor } from '../support/engine';

const CONFIG = [
  'containers:',
  '  include: { labels: { dockwatch.test: "1" } }',
  'logs:',
  '  multiline: { start: "^\\\\S", maxLines: 50, timeout: 300ms }',
].join('\n');

/** A shell loop printing `out 1..n` on stdout and every 5th `err i` on stderr, ~1000 lines/s. */
function counter(n: number, delaySeconds = 0): string[] {
  return [
    'sh',
    '-c',
    `sleep ${delaySeconds}; i=0; while [ $i -lt ${n} ]; do i=$((i+1)); echo "out $i"; ` +
      `[ $((i%5)) = 0 ] && echo "err $i" >&2; [ $((i%100)) = 0 ] && sleep 0.1; done; true`,
  ];
}

function texts(seen: SeenLine[], container: string, stream: string): string[] {
  return seen.filter((s) => s.container === container && s.stream === stream).map((s) => s.text);
}

function numbered(prefix: string, n: number, every = 1): string[] {
  const out = [];
  for (let i = every; i <= n; i += every) out.push(`${prefix} ${i}`);
  return out;
}

/** What the agent took of a TTY container, what the engine holds of its log and what the agent logged: a failure says it. */
async function ttyDiagnosis(agent: RecordingAgent, c: { id: string; name: string }): Promise<string> {
  const taken = agent.seen().filter((s) => s.container === c.name);
  const engineLog = (await testDocker().getContainer(c.id).logs({ stdout: true, stderr: true, timestamps: true }))
    .toString()
    .split('\n');
  const events = agent.events().filter((e) => e.container === c.name);
  return [
    `the TTY lines: the agent took ${taken.length} of ${c.name} (last: ${JSON.stringify(taken.slice(-3))});`,
    `the engine's log has ${engineLog.length} lines (first: ${JSON.stringify(engineLog.slice(0, 2))},`,
    `last: ${JSON.stringify(engineLog.slice(-3))}); events taken: ${events.map((e) => e.action).join(',')};`,
    `agent log: ${agent.log.slice(-2000)}`,
  ].join(' ');
}

async function exited(id: string): Promise<boolean> {
  const info = await testDocker().getContainer(id).inspect();
  return info.State.Status === 'exited';
}

describe('log tailing against the real engine', () => {
  const agents: RecordingAgent[] = [];
  beforeAll(() => removeTestContainers());
  afterAll(async () => {
    for (const a of agents) await a.destroy();
    await removeTestContainers();
  });

  it('takes every line exactly once across a SIGKILL, also of containers that ran and exited meanwhile', async () => {
    const agent = new RecordingAgent(CONFIG);
    agents.push(agent);
    await agent.start();
    const busy = await runTestContainer({ name: 'counter', cmd: counter(3000) });
    await waitFor(async () => texts(agent.seen(), busy.name, 'stdout').length >= 300, {
      what: 'the first lines of the counter',
      timeoutMs: 20_000,
    });
    await agent.kill();
    const whileDown = await runTestContainer({ name: 'while-down', cmd: counter(500) });
    await waitFor(async () => (await exited(busy.id)) && (await exited(whileDown.id)), {
      what: 'both containers to exit while the agent is down',
      timeoutMs: 30_000,
    });
    await agent.start();
    await waitFor(
      async () =>
        texts(agent.seen(), busy.name, 'stdout').length >= 3000 &&
        texts(agent.seen(), whileDown.name, 'stdout').length >= 500,
      { what: 'every line after the restart', timeoutMs: 30_000 },
    );
    await agent.stop();
    const seen = agent.seen();
    expect(texts(seen, busy.name, 'stdout')).toEqual(numbered('out', 3000));
    expect(texts(seen, busy.name, 'stderr')).toEqual(numbered('err', 3000, 5));
    expect(texts(seen, whileDown.name, 'stdout')).toEqual(numbered('out', 500));
    expect(texts(seen, whileDown.name, 'stderr')).toEqual(numbered('err', 500, 5));
  }, 120_000);

  it('joins a stack trace into one event, follows a restart and reads a TTY container', async () => {
    const agent = new RecordingAgent(CONFIG);
    agents.push(agent);
    await agent.start();
    const script =
      'echo "request ok"; echo "Exception in thread main: boom"; printf "\\tat a.b(C.java:1)\\n\\tat d.e(F.java:2)\\n"; ' +
      'echo "request ok again"; sleep 1; echo "run over"';
    const trace = await runTestContainer({ name: 'trace', cmd: ['sh', '-c', script] });
    const tty = await runTestContainer({ name: 'tty', cmd: counter(50), tty: true });
    await waitFor(async () => texts(agent.seen(), trace.name, 'stdout').includes('run over'), {
      what: 'the trace container lines',
    });
    await testDocker().getContainer(trace.id).start();
    await waitFor(async () => texts(agent.seen(), trace.name, 'stdout').length >= 8, { what: 'the second run' });
    await waitFor(async () => texts(agent.seen(), tty.name, 'stdout').length >= 50, {
      what: () => ttyDiagnosis(agent, tty),
      timeoutMs: 30_000,
    });
    const seen = agent.seen();
    const run = [
      'request ok',
      'Exception in thread main: boom\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)',
      'request ok again',
      'run over',
    ];
    expect(texts(seen, trace.name, 'stdout')).toEqual([...run, ...run]);
    expect(seen.find((s) => s.text.startsWith('Exception'))?.lines).toBe(3);
    const ttyLines = texts(seen, tty.name, 'stdout');
    expect(ttyLines.filter((t) => t.startsWith('out'))).toEqual(numbered('out', 50));
    expect(ttyLines.filter((t) => t.startsWith('err'))).toEqual(numbered('err', 50, 5));
  }, 60_000);

  it('takes a last line without its newline, also of a container the engine removes as it exits (--rm)', async () => {
    const agent = new RecordingAgent(CONFIG);
    agents.push(agent);
    await agent.start();
    const script = 'sleep 1; echo "first"; printf "last words"';
    const kept = await runTestContainer({ name: 'lastkept', cmd: ['sh', '-c', script] });
    const removed = await runTestContainer({ name: 'lastrm', cmd: ['sh', '-c', script], autoRemove: true });
    const both = () => [texts(agent.seen(), kept.name, 'stdout'), texts(agent.seen(), removed.name, 'stdout')];
    await waitFor(async () => both().every((lines) => lines.includes('last words')), {
      what: async () => `both last lines; taken: ${JSON.stringify(both())}; agent log: ${agent.log.slice(-2000)}`,
      timeoutMs: 20_000,
    });
    expect(both()).toEqual([
      ['first', 'last words'],
      ['first', 'last words'],
    ]);
  }, 40_000);
});

describe('engine events across an agent restart', () => {
  let agent: RecordingAgent;
  afterAll(async () => {
    await agent.destroy();
    await removeTestContainers();
  });

  it('delivers the events that happened while the agent was down, and none twice', async () => {
    agent = new RecordingAgent(CONFIG);
    await agent.start();
    const before = await runTestContainer({ name: 'ev-before', cmd: ['sh', '-c', 'exit 2'] });
    await waitFor(async () => agent.events().some((e) => e.container === before.name && e.action === 'die'), {
      what: 'the die event of the first container',
    });
    await agent.kill();
    const down = await runTestContainer({ name: 'ev-down', cmd: ['sh', '-c', 'exit 3'] });
    await waitFor(async () => exited(down.id), { what: 'the container to exit while the agent is down' });
    await agent.start();
    await waitFor(async () => agent.events().some((e) => e.container === down.name && e.action === 'die'), {
      what: 'the die event that happened while the agent was down',
    });
    const dies = agent.events().filter((e) => e.action === 'die');
    expect(dies.map((e) => [e.container, e.exit_code])).toEqual([
      [before.name, '2'],
      [down.name, '3'],
    ]);
  }, 60_000);
});

describe('alerts across a SIGKILL', () => {
  let agent: RecordingAgent;
  let server: RecordingServer;
  afterAll(async () => {
    await agent?.destroy();
    await server?.stop();
    await removeTestContainers();
  });

  it('a firing alert is notified once; one that fired while the agent was down is notified after the restart', async () => {
    server = await startRecordingServer();
    agent = new RecordingAgent(
      [
        CONFIG,
        'alerts:',
        '  groupWait: 0s',
        '  groupWindow: 1s',
        '  rules:',
        "    - { name: boom, kind: log, contains: 'BOOM', resolveAfter: 1h }",
        '  routes: [{ notifiers: [hook] }]',
        'notifiers:',
        `  - { name: hook, type: webhook, url: "${server.url}/hook" }`,
      ].join('\n'),
    );
    await agent.start();
    const noisy = await runTestContainer({
      name: 'boom',
      cmd: ['sh', '-c', 'i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo "BOOM $i"; sleep 0.1; done'],
    });
    await server.waitForRequests(1, '/hook', 20_000);
    // A notification whose 2xx the agent has not recorded yet is sent again after a crash (at least once, with the
    // same id for receivers to deduplicate); kill it once the delivery is recorded, mid-stream of the BOOM lines.
    await waitFor(async () => agent.pendingDeliveries() === 0, { what: 'the delivery to be recorded' });
    await agent.kill();
    const quiet = await runTestContainer({ name: 'boom-down', cmd: ['sh', '-c', 'echo "BOOM while down"'] });
    await waitFor(async () => (await exited(noisy.id)) && (await exited(quiet.id)), {
      what: 'both containers to finish while the agent is down',
      timeoutMs: 20_000,
    });
    await agent.start();
    await waitFor(async () => texts(agent.seen(), noisy.name, 'stdout').length >= 40, { what: 'every BOOM line' });
    await server.waitForRequests(2, '/hook', 20_000);
    await agent.stop();
    const sent = server
      .requestsTo('/hook')
      .map((r) => JSON.parse(r.body) as { status: string; alerts: { labels: Record<string, string> }[] });
    const firingFor = (name: string) =>
      sent.filter((n) => n.status === 'firing' && n.alerts.some((a) => a.labels.container === name)).length;
    expect(firingFor(noisy.name)).toBe(1);
    expect(firingFor(quiet.name)).toBe(1);
    expect(sent).toHaveLength(2);
  }, 90_000);
});
