import { AgentError, type AgentClient, type LogFollowQuery, type LogLine } from '../../../bot/agentClient';
import { RemoteAgentClient } from '../../../bot/remoteAgentClient';
import { record } from '../bot/fakeAgent';
import { serveControlApi, type ControlApiServer } from './controlApiServer';

const TOKEN = 'unit-follow-token-0123456789';
const web = record('web');

/** What the agent's followLogs does in each test; it sees the signal the API hands it. */
let follow: (query: LogFollowQuery) => AsyncGenerator<LogLine>;
let served: ControlApiServer;
let client: RemoteAgentClient;

const line = (text: string): LogLine => ({ stream: 'stdout', time: '2026-01-01T00:00:00Z', text });

beforeAll(async () => {
  const agent = {
    hostName: () => 'unit-host',
    containers: async () => [web],
    followLogs: (_id: string, query: LogFollowQuery) => follow(query),
  } as unknown as AgentClient;
  served = await serveControlApi(agent, TOKEN);
  client = new RemoteAgentClient({
    url: served.url,
    token: TOKEN,
    name: 'unit-host',
  });
});

afterAll(async () => {
  client.close();
  await served.close();
});

async function collect(query: Omit<LogFollowQuery, 'signal'> = {}, signal = new AbortController().signal) {
  const lines: LogLine[] = [];
  for await (const l of client.followLogs(web.id, { ...query, signal })) lines.push(l);
  return lines;
}

describe('following logs over the control API', () => {
  it('streams the lines, then ends when the agent says the stream ended; passes tail, since and grep on', async () => {
    const seen: Omit<LogFollowQuery, 'signal'>[] = [];
    follow = async function* ({ signal: _signal, ...query }) {
      seen.push(query);
      yield line('one');
      yield line('two');
    };
    expect(await collect({ tail: 3, sinceMs: 1_767_225_600_000, grep: /o/ })).toEqual([line('one'), line('two')]);
    expect(seen).toEqual([{ tail: 3, sinceMs: 1_767_225_600_000, grep: /o/ }]);
    await collect();
    expect(seen[1]).toEqual({});
  });

  it("ends with the agent's own error message, and hides an internal one", async () => {
    follow = async function* () {
      yield line('before');
      throw new AgentError('the Docker engine is unreachable');
    };
    await expect(collect()).rejects.toThrow(/^the Docker engine is unreachable$/);
    follow = async function* () {
      yield line('before');
      throw new Error('socket hang up /var/run/docker.sock');
    };
    await expect(collect()).rejects.toThrow(
      "host unit-host: following the logs failed on the agent (the agent's log has the details)",
    );
  });

  it('holds a fast container back while the reader is slow (bounded buffers), and closes it when the reader stops', async () => {
    let produced = 0;
    let closed = false;
    let abortedSignal = false;
    follow = async function* ({ signal }) {
      try {
        while (!signal.aborted) {
          produced += 1;
          yield line(`line ${produced} ${'x'.repeat(60)}`);
        }
        abortedSignal = true;
      } finally {
        closed = true;
      }
    };
    const controller = new AbortController();
    let read = 0;
    for await (const l of client.followLogs(web.id, { signal: controller.signal })) {
      expect(l.text).toMatch(new RegExp(`^line ${read + 1} `));
      read += 1;
      if (read % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      if (read === 200) break;
    }
    expect(produced).toBeLessThan(100_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = produced;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(produced).toBe(after);
    expect(closed || abortedSignal).toBe(true);
  });

  it('refuses a bad query before streaming, naming the parameter', async () => {
    follow = async function* () {
      yield line('never');
    };
    const res = await fetch(`${served.url}/api/v1/containers/${web.id}/logs/follow?tail=x`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'tail: "x" is not a whole number from 0 to 10000' });
  });
});
