import { SelfStats } from '../../../agent/selfStats';
import { Exposition } from '../../../exporters/exposition';
import type { MetricFamily } from '../../../exporters/metricFamily';

describe('Exposition renders', () => {
  it('runs one render at a time: a version that moves on during a render is rendered after it, not beside it', async () => {
    let version = 1;
    let running = 0;
    let most = 0;
    let renders = 0;
    // Ten families of 5k series: a render spans several 8 ms slices, so the version can move on during one.
    const families: MetricFamily[] = Array.from({ length: 10 }, (_, i) => ({
      name: `big_family_${i}`,
      help: 'A family large enough to be rendered in slices.',
      type: 'gauge',
      collect() {
        if (i === 0) {
          running += 1;
          renders += 1;
          most = Math.max(most, running);
        }
        if (i === 9) running -= 1;
        return Array.from({ length: 5_000 }, (_, n) => ({ value: n + version, labels: { n: String(n) } }));
      },
    }));
    const exposition = new Exposition(families, [], () => String(version), new SelfStats());

    const first = exposition.render(undefined);
    version = 2; // a sampling pass lands while the first render runs
    exposition.prerender();
    version = 3;
    exposition.prerender();
    const body = Buffer.concat((await first).parts).toString('utf8');
    expect(body).toContain('big_family_0{n="0"} 1');
    expect(most).toBe(1);

    // Scrapes get the last rendered version until the newest one is done, then that one.
    let latest = '';
    for (let tries = 0; tries < 300 && !latest.includes('big_family_0{n="0"} 3'); tries++) {
      latest = Buffer.concat((await exposition.render(undefined)).parts).toString('utf8');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(latest).toContain('big_family_0{n="0"} 3');
    expect(most).toBe(1);
    expect(renders).toBeLessThanOrEqual(3);
  }, 30_000);

  it('says when the per-container part is first rendered: not before the first pass, and once it is', async () => {
    const family: MetricFamily = {
      name: 'one_family',
      help: 'One series.',
      type: 'gauge',
      collect: () => [{ value: 1 }],
    };
    const exposition = new Exposition([family], [], () => '1', new SelfStats());
    let rendered = false;
    void exposition.whenRendered().then(() => (rendered = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rendered).toBe(false);
    expect(exposition.hasRendered).toBe(false);

    exposition.prerender(); // what the agent calls after a sampling pass
    await exposition.whenRendered();
    expect(exposition.hasRendered).toBe(true);
  });
});
