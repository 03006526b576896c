import { Inventory } from '../../../agent/inventory/inventory';
import type { ContainerSample } from '../../../agent/stats/containerSample';
import { SampleStore } from '../../../agent/stats/sampleStore';
import { EngineUnavailableError } from '../../../bot/agentClient';
import { InProcessAgent, type InProcessAgentParts } from '../../../api/inProcessAgent';
import { configSchema } from '../../../config/schema';
import { record } from './fakeAgent';

const DOCKER_HOST = 'unix:///run/nobody-serves-this.sock';

/** An engine as the supervisor shows it: up or not, and why the last attempt failed. */
type EngineState = { up: boolean; lastFailure?: string; info?: { version: string } };

function sample(id: string, timestampMs: number, usageSeconds: number): ContainerSample {
  return {
    id,
    timestampMs,
    cpu: {
      usageSeconds,
      userSeconds: 0,
      systemSeconds: 0,
      cfsPeriods: 0,
      cfsThrottledPeriods: 0,
      cfsThrottledSeconds: 0,
    },
    memory: { usageBytes: 4096, workingSetBytes: 2048, rssBytes: 0, cacheBytes: 0, swapBytes: 0, failcnt: 0 },
    processes: 1,
  } as ContainerSample;
}

function setup(engine: EngineState) {
  const config = configSchema.parse({ docker: { host: DOCKER_HOST }, stats: { interval: '1s' } });
  const inventory = new Inventory();
  const samples = new SampleStore();
  const web = record('web', { startedAt: Math.floor(Date.now() / 1000) - 60 });
  inventory.upsert(web);
  const parts = { inventory, samples, engine, alerts: {} } as unknown as InProcessAgentParts;
  return { agent: new InProcessAgent(parts, { config }), inventory, samples, web };
}

const signal = () => new AbortController().signal;

describe('the in-process agent while its engine is unreachable', () => {
  it('refuses to list the inventory (stale or empty) and names the engine and why', async () => {
    const { agent } = setup({ up: false, lastFailure: 'connect ENOENT /run/nobody-serves-this.sock' });
    const listed = await agent.containers().catch((err: unknown) => err);
    expect(listed).toBeInstanceOf(EngineUnavailableError);
    expect((listed as Error).message).toBe(
      `the Docker engine is unreachable (${DOCKER_HOST}: connect ENOENT /run/nobody-serves-this.sock)`,
    );
  });

  it('says "not connected yet" before the first attempt has ended', async () => {
    const { agent } = setup({ up: false });
    await expect(agent.containers()).rejects.toThrow(
      `the Docker engine is unreachable (${DOCKER_HOST}: not connected yet)`,
    );
  });

  it('fails reads and actions on a container it still remembers', async () => {
    const { agent, web } = setup({ up: false, lastFailure: 'connect ECONNREFUSED' });
    const by = { by: 'alice', signal: signal() };
    for (const call of [
      () => agent.stats(web.id, signal()),
      () => agent.logs(web.id, { tail: 10, signal: signal() }),
      () => agent.inspect(web.id, signal()),
      () => agent.history(web.id),
      () => agent.restart(web.id, by),
      () => agent.stop(web.id, by),
      () => agent.start(web.id, by),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(EngineUnavailableError);
    }
  });

  it('still answers hosts, with the engine down and no stale counts', async () => {
    const { agent } = setup({ up: false, lastFailure: 'connect ECONNREFUSED', info: { version: '20.10.24' } });
    expect(await agent.hosts()).toEqual([{ name: expect.any(String), engineUp: false, engineVersion: '20.10.24' }]);
  });

  it('lists the inventory once the engine is up', async () => {
    const { agent } = setup({ up: true });
    expect((await agent.containers()).map((r) => r.name)).toEqual(['web']);
  });
});

describe('in-process stats', () => {
  it('waits for the first sampling pass instead of answering without a sample', async () => {
    const { agent, samples, web } = setup({ up: true });
    const now = Date.now();
    setTimeout(() => samples.replace([sample(web.id, now, 1)]), 150);
    setTimeout(() => samples.replace([sample(web.id, now + 1000, 1.5)]), 300);
    const stats = await agent.stats(web.id, signal());
    expect(stats).toMatchObject({ id: web.id, memoryWorkingSetBytes: 2048, processes: 1 });
    expect(stats?.cpuPercent).toBeCloseTo(50);
  });

  it('does not wait for a container that is not running', async () => {
    const { agent, inventory, samples, web } = setup({ up: true });
    samples.replace([]);
    inventory.upsert({ ...web, state: 'exited' });
    expect(await agent.stats(web.id, signal())).toBeUndefined();
  });
});
