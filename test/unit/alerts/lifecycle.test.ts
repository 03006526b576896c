import type { ContainerMetrics } from '../../../alerts/inputs';
import { container, event, h, m, s, Timeline, toOps } from './timeline';

const web = container('web-1');

function memory(c = web, percent: number | undefined): ContainerMetrics {
  return {
    container: c,
    cpuPercent: 1,
    memoryPercentOfLimit: percent,
    workingSetBytes: 1,
    memoryUsageBytes: 1,
    restartCount: 0,
  };
}

const memoryHigh = (extra: Record<string, unknown> = {}) => ({
  routes: toOps,
  rules: [{ name: 'memory-high', kind: 'metric', metric: 'memoryPercentOfLimit', op: '>', value: 90, ...extra }],
});

describe('alert lifecycle', () => {
  it('stays pending during `for` and fires once it held that long, then resolves once', () => {
    const t = new Timeline(memoryHigh({ for: '5m' }));
    for (let at = 0; at <= m(7); at += s(5)) {
      t.at(at, (e) => e.metrics({ time: at, containers: [memory(web, 95)] }));
    }
    expect(t.engine.stats().alerts.firing).toBe(1);
    t.at(m(8), (e) => e.metrics({ time: m(8), containers: [memory(web, 50)] }));
    t.until(m(9));
    expect(t.sent).toEqual([
      { at: m(5) + 100, status: 'firing', rule: 'memory-high', count: 1, of: ['web-1'], notifiers: ['ops'] },
      { at: m(8) + 100, status: 'resolved', rule: 'memory-high', count: 1, of: ['web-1'], notifiers: ['ops'] },
    ]);
  });

  it('drops a pending alert whose condition ends before `for` without a word', () => {
    const t = new Timeline(memoryHigh({ for: '5m' }));
    t.at(0, (e) => e.metrics({ time: 0, containers: [memory(web, 95)] }));
    expect(t.engine.alerts().map((a) => a.state)).toEqual(['pending']);
    t.at(m(4), (e) => e.metrics({ time: m(4), containers: [memory(web, 60)] }));
    t.until(h(1));
    expect(t.sent).toEqual([]);
    expect(t.engine.alerts()).toEqual([]);
  });

  it('fires at once with for: 0 and ignores containers without the figure', () => {
    const t = new Timeline(memoryHigh());
    t.at(0, (e) => e.metrics({ time: 0, containers: [memory(web, 91), memory(container('db'), undefined)] }));
    t.until(s(1));
    expect(t.sent.map((x) => [x.at, x.status, x.of])).toEqual([[100, 'firing', ['web-1']]]);
  });

  it('keeps firing for keepFiringFor after the condition ends, and not at all if it comes back meanwhile', () => {
    const t = new Timeline(memoryHigh({ keepFiringFor: '2m' }));
    t.at(0, (e) => e.metrics({ time: 0, containers: [memory(web, 95)] }));
    t.at(m(1), (e) => e.metrics({ time: m(1), containers: [memory(web, 10)] }));
    t.at(m(2), (e) => e.metrics({ time: m(2), containers: [memory(web, 99)] }));
    t.at(m(3), (e) => e.metrics({ time: m(3), containers: [] }));
    t.until(m(10));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [100, 'firing'],
      [m(5) + 100, 'resolved'],
    ]);
  });

  it('takes keepFiringFor from the section when the rule has none', () => {
    const t = new Timeline({ ...memoryHigh(), keepFiringFor: '1m' });
    t.at(0, (e) => e.metrics({ time: 0, containers: [memory(web, 95)] }));
    t.at(m(1), (e) => e.metrics({ time: m(1), containers: [] }));
    t.until(m(5));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [100, 'firing'],
      [m(2) + 100, 'resolved'],
    ]);
  });

  it('repeats a firing alert only after repeatInterval (plus groupWait), and announces its resolution once', () => {
    const t = new Timeline({ ...memoryHigh(), repeatInterval: '4h' });
    for (let at = 0; at <= h(9); at += m(1)) {
      t.at(at, (e) => e.metrics({ time: at, containers: [memory(web, 95)] }));
    }
    t.at(h(9) + m(1), (e) => e.metrics({ time: 0, containers: [] }));
    t.until(h(20));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [100, 'firing'],
      [h(4) + 200, 'firing'],
      [h(8) + 300, 'firing'],
      [h(9) + m(1) + 100, 'resolved'],
    ]);
  });

  it('does not announce a resolution that was never preceded by a firing notification', () => {
    const t = new Timeline({ ...memoryHigh(), groupWait: '1s' });
    t.at(0, (e) => e.metrics({ time: 0, containers: [memory(web, 95)] }));
    t.at(500, (e) => e.metrics({ time: 500, containers: [] }));
    t.until(m(1));
    expect(t.sent).toEqual([]);
  });

  it('keeps an alert firing without a second message when it comes back before its resolution went out', () => {
    const t = new Timeline({ ...memoryHigh(), groupWait: '1s' });
    t.at(0, (e) => e.metrics({ time: 0, containers: [memory(web, 95)] }));
    t.at(s(10), (e) => e.metrics({ time: 0, containers: [] }));
    t.at(s(10) + 500, (e) => e.metrics({ time: 0, containers: [memory(web, 97)] }));
    t.until(m(10));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([[s(1), 'firing']]);
    expect(t.engine.alerts().map((a) => [a.state, a.value])).toEqual([['firing', 97]]);
  });

  it('lists alerts with labels and rendered annotations for the bot', () => {
    const t = new Timeline(memoryHigh({ labels: { team: 'web' }, for: '1m' }));
    t.at(0, (e) => e.metrics({ time: 0, containers: [memory(web, 93.456)] }));
    expect(t.engine.alerts()).toEqual([
      {
        key: 'memory-high{container="web-1"}',
        rule: 'memory-high',
        severity: 'warning',
        state: 'pending',
        labels: { team: 'web', alertname: 'memory-high', severity: 'warning', host: 'host-a', container: 'web-1' },
        annotations: { summary: 'web-1 on host-a: memoryPercentOfLimit is 93.46 (> 90)' },
        activeAt: 0,
        value: 93.456,
      },
    ]);
    expect(t.engine.stats()).toEqual({
      matches: { 'memory-high': 1 },
      alerts: { pending: 1, firing: 0, resolved: 0 },
      notifications: { firing: 0, resolved: 0 },
      unrouted: 0,
    });
  });

  it('counts what it sent', () => {
    const t = new Timeline({
      routes: toOps,
      rules: [{ name: 'oom', kind: 'event', event: 'oom', resolveAfter: '1m' }],
    });
    t.at(0, (e) => e.event(event(web, 'oom', {})));
    t.until(m(2));
    expect(t.engine.stats().notifications).toEqual({ firing: 1, resolved: 1 });
  });
});
