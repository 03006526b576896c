import { AgentError, type ActionOptions, type AgentClient, type RemovedName } from '../../../bot/agentClient';
import { RemoteAgentClient } from '../../../bot/remoteAgentClient';
import { serveControlApi, type ControlApiServer } from './controlApiServer';

const TOKEN = 'unit-token-0123456789';
const web: RemovedName = {
  name: 'web',
  revisions: [{ revision: 2, imageRef: 'app:2', labels: { team: 'a' } }],
  rollback: { revision: 2, why: 'revision 2 (app:2): the last one before removal' },
};

describe('the removed-name endpoints (/api/v1/removed) over an AgentClient', () => {
  let served: ControlApiServer;
  let url: string;
  let client: RemoteAgentClient;
  const calls: string[] = [];

  beforeAll(async () => {
    const agent = {
      hostName: () => 'unit-host',
      removedNames: async () => [web],
      removedHistory: async (name: string) => {
        calls.push(`history ${name}`);
        return [{ revision: 2, imageRef: 'app:2', imageId: 'sha256:2', recordedAt: 1, current: false, changes: [] }];
      },
      rollbackRemoved: async (name: string, to: number | undefined, o: ActionOptions) => {
        calls.push(`rollback ${name} to ${to} by ${o.by}`);
        o.onProgress?.('create: done');
        if (to === 1) throw new AgentError('recreating web from revision 1 failed at wait: unhealthy');
        return 'web recreated from revision 2 (app:2) and running';
      },
    } as unknown as AgentClient;
    served = await serveControlApi(agent, TOKEN);
    url = served.url;
    client = new RemoteAgentClient({ url, token: TOKEN });
  });

  beforeEach(() => {
    calls.length = 0;
  });

  afterAll(async () => {
    client.close();
    await served.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${url}/api/v1/removed/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('lists removed names and their history through RemoteAgentClient', async () => {
    const signal = AbortSignal.timeout(5000);
    expect(await client.removedNames(signal)).toEqual([web]);
    expect((await client.removedHistory('web', signal)).map((r) => r.revision)).toEqual([2]);
    expect(calls).toEqual(['history web']);
  });

  it('recreates with progress, passing the revision on, and carries the agent error', async () => {
    const steps: string[] = [];
    const options = { by: 'alice', signal: AbortSignal.timeout(5000), onProgress: (s: string) => steps.push(s) };
    expect(await client.rollbackRemoved('web', 2, options)).toBe('web recreated from revision 2 (app:2) and running');
    await expect(client.rollbackRemoved('web', 1, options)).rejects.toThrow(
      'recreating web from revision 1 failed at wait: unhealthy',
    );
    expect(steps).toEqual(['create: done', 'create: done']);
    expect(calls).toEqual(['rollback web to 2 by alice', 'rollback web to 1 by alice']);
  });

  it('refuses a bad body, a bad name and an unknown name before the agent acts', async () => {
    const bad = await post('web/rollback', { by: 'alice', to: 0, force: true });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe(
      '"force": unknown field (rollback takes by, to); to: "0" is not a revision number (1, 2, …)',
    );
    const badName = await post('..%2Fetc/rollback', { by: 'alice' });
    expect(badName.status).toBe(400);
    expect(await badName.json()).toEqual({ error: '"../etc" is not a container name' });
    const unknown = await post('wbe/rollback', { by: 'alice' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no container or recorded revisions named "wbe" on unit-host' });
    await expect(client.removedHistory('wbe', AbortSignal.timeout(5000))).rejects.toThrow(
      'no container or recorded revisions named "wbe" on unit-host',
    );
    expect(calls).toEqual([]);
  });
});
