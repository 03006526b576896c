import http from 'node:http';
import { ActionError } from '../../../agent/actions/actionError';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { createLogger } from '../../../shared/logger';
import {
  AgentError,
  EngineUnavailableError,
  type ActionOptions,
  type AgentClient,
  type DeployActionOptions,
} from '../../../bot/agentClient';
import type { DeployReport } from '../../../bot/deployReport';
import { RemoteAgentClient } from '../../../bot/remoteAgentClient';
import { waitFor } from '../../support/waitFor';
import { record } from '../bot/fakeAgent';
import { serveControlApi, type ControlApiServer } from './controlApiServer';

const ID = 'a'.repeat(64);
const TOKEN = 'unit-token-0123456789';
const ENGINE_DOWN = 'the Docker engine is unreachable (unix:///nobody.sock: connect ENOENT /nobody.sock)';

const web: ContainerRecord = record('web', { id: ID, imageId: 'sha256:1', createdAt: 1, startedAt: undefined });

/** An agent whose actions do what each test sets in `action`; every call is recorded. */
class ScriptedAgent implements AgentClient {
  calls: string[] = [];
  action: (options: ActionOptions) => Promise<string> = async () => 'done';
  /** Reads of the inventory fail as the in-process agent's do while its engine is unreachable. */
  engineDown = false;

  hostName = () => 'unit-host';
  hosts = async () => [{ name: 'unit-host', engineUp: true, containers: 1, running: 1 }];
  containers = async () => {
    if (this.engineDown) throw new EngineUnavailableError(ENGINE_DOWN);
    return [web];
  };
  stats = async () => undefined;
  logs = async () => [];
  followLogs = async function* (): AsyncGenerator<never> {
    yield* [];
  };
  inspect = async (): Promise<never> => {
    throw new Error('the engine socket broke (/var/run/docker.sock)');
  };
  alerts = async () => [];
  silences = async () => [];
  addSilence = async (): Promise<never> => {
    throw new Error('unused');
  };
  removeSilence = async () => false;
  start = (id: string, o: ActionOptions) => this.run(`start ${id}`, o);
  stop = (id: string, o: ActionOptions) => this.run(`stop ${id}`, o);
  restart = (id: string, o: ActionOptions) => this.run(`restart ${id}`, o);
  rollback = (id: string, to: number | undefined, o: ActionOptions) => this.run(`rollback ${id} to ${to}`, o);
  /** What a deploy answers besides its message (`action`'s): default deployed; a restored one with its diagnosis. */
  deployed: Omit<DeployReport, 'message'> = { outcome: 'deployed' };
  deploy = async (id: string, image: string | undefined, o: DeployActionOptions): Promise<DeployReport> => ({
    ...this.deployed,
    message: await this.run(`deploy ${id} ${image} within ${o.timeoutMs}`, o),
  });
  history = async (): Promise<never> => {
    throw new AgentError('history is not available in this build');
  };
  removedNames = async () => [];
  removedHistory = async (): Promise<never> => {
    throw new AgentError('no removed names in this test');
  };
  rollbackRemoved = (name: string, to: number | undefined, o: ActionOptions) =>
    this.run(`rollback ${name} to ${to}`, o);
  images = async (): Promise<never> => {
    throw new AgentError('images are not in this test');
  };
  pull = (ref: string, o: ActionOptions) => this.run(`pull ${ref}`, o);
  remove = (id: string, o: ActionOptions & { force: boolean; volumes: boolean }) =>
    this.run(`rm ${id} force=${o.force} volumes=${o.volumes}`, o);
  removeImage = (ref: string, o: ActionOptions & { force: boolean }) => this.run(`rmi ${ref} force=${o.force}`, o);
  exec = async (id: string, argv: readonly string[], o: ActionOptions & { timeoutMs: number }) => {
    const output = await this.run(`exec ${id} ${JSON.stringify(argv)} within ${o.timeoutMs}`, o);
    return {
      container: 'web',
      argv: [...argv],
      exitCode: 0,
      output,
      outputBytes: output.length,
      truncated: false,
      timedOut: false,
      durationMs: 1,
    };
  };

  private run(call: string, options: ActionOptions): Promise<string> {
    this.calls.push(`${call} by ${options.by}`);
    return this.action(options);
  }
}

describe('the container endpoints over an AgentClient', () => {
  let served: ControlApiServer;
  let base: string;
  let agent: ScriptedAgent;
  const logged: string[] = [];

  beforeAll(async () => {
    const logger = createLogger({ level: 'error', format: 'text', silent: true });
    jest.spyOn(logger, 'error').mockImplementation(((message: string, meta: Record<string, unknown>) => {
      logged.push(`${message} ${JSON.stringify(meta)}`);
      return logger;
    }) as never);
    agent = new ScriptedAgent();
    served = await serveControlApi(agent, TOKEN, logger);
    base = `${served.url}/api/v1/containers`;
  });

  beforeEach(() => {
    agent.engineDown = false;
    agent.calls = [];
    logged.length = 0;
  });

  afterAll(async () => {
    await served.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${base}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = (path: string) => fetch(`${base}/${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const ndjson = async (res: Response) =>
    (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);

  it('streams progress lines, then the result', async () => {
    agent.action = async (o) => {
      o.onProgress?.('stop: done');
      o.onProgress?.('create: done');
      return 'web rolled back to revision 1.';
    };
    const res = await post(`${ID}/rollback`, { by: 'alice', to: 1 });
    expect(await ndjson(res)).toEqual([
      { progress: 'stop: done' },
      { progress: 'create: done' },
      { result: 'web rolled back to revision 1.' },
    ]);
    expect(agent.calls).toEqual([`rollback ${ID} to 1 by alice`]);
  });

  it("keeps an AgentError's or ActionError's message; hides any other error and logs it", async () => {
    agent.action = async () => {
      throw new AgentError('web is already stopping');
    };
    expect(await ndjson(await post(`${ID}/stop`, { by: 'bob' }))).toEqual([
      { error: 'web is already stopping', kind: 'agent' },
    ]);
    agent.action = async () => {
      throw new ActionError('conflict', 'a rollback of web is already running');
    };
    expect(await ndjson(await post(`${ID}/restart`, { by: 'bob' }))).toEqual([
      { error: 'a rollback of web is already running', kind: 'agent' },
    ]);
    agent.action = async () => {
      throw new Error('EPIPE /var/run/docker.sock');
    };
    const hidden = await ndjson(await post(`${ID}/start`, { by: 'bob' }));
    expect(hidden).toEqual([
      { error: "the action failed on the agent (the agent's log has the details)", kind: 'internal' },
    ]);
    expect(logged).toEqual([expect.stringContaining('EPIPE /var/run/docker.sock')]);
    const inspect = await get(`${ID}/inspect`);
    expect(inspect.status).toBe(500);
    expect(await inspect.json()).toEqual({ error: 'internal error' });
    const history = await get(`${ID}/history`);
    expect(history.status).toBe(422);
    expect(await history.json()).toEqual({ error: 'history is not available in this build', kind: 'agent' });
  });

  it("aborts the action's signal when the client goes away", async () => {
    let aborted: unknown;
    agent.action = (o) =>
      new Promise((_resolve, reject) => {
        o.onProgress?.('stop: started');
        o.signal.addEventListener('abort', () => {
          aborted = o.signal.reason;
          reject(new AgentError('cancelled'));
        });
      });
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${base}/${ID}/stop`,
        { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
      req.end(JSON.stringify({ by: 'carol' }));
    });
    const reason = await waitFor(async () => aborted, { what: 'the signal to abort' });
    expect((reason as Error).message).toBe('the client closed the connection');
  });

  it('answers 503 while the engine is unreachable, and the remote client reads it back as that', async () => {
    agent.engineDown = true;
    const list = await fetch(base, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(list.status).toBe(503);
    expect(await list.json()).toEqual({ error: ENGINE_DOWN, kind: 'agent' });
    for (const read of ['stats', 'logs', 'inspect', 'history']) expect((await get(`${ID}/${read}`)).status).toBe(503);
    expect((await post(`${ID}/restart`, { by: 'erin' })).status).toBe(503);
    expect(agent.calls).toEqual([]);
    const remote = new RemoteAgentClient({ url: base.replace(/\/api\/v1\/containers$/, ''), token: TOKEN });
    try {
      const listed = await remote.containers().catch((err: unknown) => err);
      expect(listed).toBeInstanceOf(EngineUnavailableError);
      expect((listed as Error).message).toBe(ENGINE_DOWN);
      const signal = new AbortController().signal;
      await expect(remote.restart(ID, { by: 'erin', signal })).rejects.toBeInstanceOf(EngineUnavailableError);
    } finally {
      remote.close();
    }
  });

  it('refuses bad action bodies before anything runs', async () => {
    const extra = await post(`${ID}/stop`, { by: 'dave', to: 2 });
    expect(extra.status).toBe(400);
    expect(await extra.json()).toEqual({ error: '"to": unknown field (stop takes by)' });
    const badTo = await post(`${ID}/rollback`, { by: 'dave', to: 'latest' });
    expect(await badTo.json()).toEqual({ error: 'to: "latest" is not a revision number (1, 2, …)' });
    expect(agent.calls).toEqual([]);
  });

  it('streams a deploy with its image and timeout, and refuses a bad image, timeout or field first', async () => {
    agent.action = async () => 'web now runs 127.0.0.1:5000/app:v2';
    const ok = await post(`${ID}/deploy`, { by: 'alice', image: '127.0.0.1:5000/app:v2', timeoutMs: 30_000 });
    expect(await ndjson(ok)).toEqual([
      { deploy: { outcome: 'deployed', message: 'web now runs 127.0.0.1:5000/app:v2' } },
    ]);
    expect(agent.calls).toEqual([`deploy ${ID} 127.0.0.1:5000/app:v2 within 30000 by alice`]);
    agent.calls.length = 0;
    const bad = await post(`${ID}/deploy`, { by: 'alice', image: 'App:v2; rm -rf /', timeoutMs: 10, to: 1 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error:
        '"to": unknown field (deploy takes by, image, timeoutMs); image: "App:v2; rm -rf /" is not an image reference (name[:tag] or name@sha256:digest); timeoutMs: "10" is not a whole number of ms from 1000 to 3600000',
    });
    expect(agent.calls).toEqual([]);
  });

  it('carries a deploy from RemoteAgentClient: image, timeout and progress, the restore reason with its diagnosis apart, and an error', async () => {
    const remote = new RemoteAgentClient({ url: base.replace(/\/api\/v1\/containers$/, ''), token: TOKEN });
    try {
      agent.action = async (o) => {
        o.onProgress?.('pull: done (pulled: 0123456789ab)');
        return 'web now runs app:v2 (0123456789ab)';
      };
      const steps: string[] = [];
      const signal = new AbortController().signal;
      const options = { by: 'alice', signal, timeoutMs: 45_000, onProgress: (s: string) => steps.push(s) };
      const deployed = { outcome: 'deployed', message: 'web now runs app:v2 (0123456789ab)' };
      expect(await remote.deploy(ID, 'app:v2', options)).toEqual(deployed);
      expect(steps).toEqual(['pull: done (pulled: 0123456789ab)']);
      expect(await remote.deploy(ID, undefined, { by: 'bob', signal })).toEqual(deployed);
      expect(agent.calls).toEqual([
        `deploy ${ID} app:v2 within 45000 by alice`,
        `deploy ${ID} undefined within undefined by bob`,
      ]);
      const back = 'deploy of app:v3 to web failed at wait: the health check failed (unhealthy); revision 2 is back';
      const diagnosis = { exitCode: 1, health: 'v3 not ready', logs: ['v3 starting'] };
      agent.deployed = { outcome: 'restored', diagnosis };
      agent.action = async () => back;
      expect(await remote.deploy(ID, 'app:v3', { by: 'alice', signal })).toEqual({
        outcome: 'restored',
        message: back,
        diagnosis,
      });
      agent.deployed = { outcome: 'deployed' };
      agent.action = async () => {
        throw new AgentError('pulling app:v9 failed: manifest unknown');
      };
      await expect(remote.deploy(ID, 'app:v9', { by: 'alice', signal })).rejects.toThrow(/manifest unknown/);
    } finally {
      remote.close();
    }
  });
});
