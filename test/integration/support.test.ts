import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { removeTestContainers, runTestContainer, testDocker, waitFor } from '../support/engine';
import { promtoolCheckMetrics, startPrometheus } from '../support/prometheus';
import type { RunningPrometheus } from '../support/prometheus';

const run = promisify(execFile);

async function dockerPsNames(): Promise<string[]> {
  const { stdout } = await run('docker', ['ps', '--filter', 'label=dockwatch.test=1', '--format', '{{.Names}}']);
  return stdout.split('\n').filter(Boolean);
}

describe('test support helpers', () => {
  let prometheus: RunningPrometheus | undefined;

  afterAll(async () => {
    await removeTestContainers();
    await prometheus?.stop();
  });

  it('runs a labelled test container that docker ps sees, then removes it', async () => {
    const { id, name } = await runTestContainer({ name: 'support', cmd: ['sleep', '300'], memory: '16m' });
    expect(name).toMatch(/^dwtest-support-/);

    expect(await dockerPsNames()).toContain(name);
    const info = await testDocker().getContainer(id).inspect();
    expect(info.Config.Labels['dockwatch.test']).toBe('1');
    expect(info.HostConfig.Memory).toBe(16 * 1024 * 1024);

    expect(await removeTestContainers()).toBeGreaterThanOrEqual(1);
    expect(await dockerPsNames()).not.toContain(name);
  });

  it('waitFor names what it waited for when the deadline passes', async () => {
    await expect(
      waitFor(async () => false, { timeoutMs: 200, intervalMs: 50, what: 'the impossible' }),
    ).rejects.toThrow(/waiting for the impossible/);
  });

  it('starts Prometheus scraping itself and sees up == 1', async () => {
    prometheus = await startPrometheus({ scrapeTargets: [], scrapeSelf: true, scrapeInterval: '1s' });
    const self = prometheus;
    const up = await waitFor(
      async () => (await self.query('up')).find((s) => s.metric.instance === self.address && s.value[1] === '1'),
      { timeoutMs: 20_000, intervalMs: 250, what: `up == 1 for ${self.address}` },
    );
    expect(up.metric.job).toBe('test');
  });

  it('promtool accepts a clean exposition and rejects a broken one', async () => {
    const good = await promtoolCheckMetrics(
      '# HELP demo_requests_total Requests.\n# TYPE demo_requests_total counter\ndemo_requests_total 1\n',
    );
    expect(good).toEqual({ ok: true, output: '' });
    const bad = await promtoolCheckMetrics('# TYPE demo_requests counter\ndemo_requests 1\n');
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/demo_requests/);
  });
});
