import { container, event, m, s, Timeline, toOps } from './timeline';

const web = container('web-1');
const die = (code: number, c = web) => event(c, 'die', { exitCode: code });
const kill = (signal: number, c = web) => event(c, 'kill', { signal });
const start = (c = web) => event(c, 'start', {});
const stop = (c = web) => event(c, 'stop', {});

function timeline(rule: Record<string, unknown>) {
  return new Timeline({ routes: toOps, groupWait: '0s', rules: [{ name: 'r', kind: 'event', ...rule }] });
}

describe('event rule die', () => {
  it('fires on a crash, ignores exit code 0 by default, and resolves after resolveAfter without another', () => {
    const t = timeline({ event: 'die' });
    t.at(0, (e) => e.event(die(0)));
    t.at(s(10), (e) => e.event(die(1)));
    t.at(m(3), (e) => e.event(die(1)));
    t.until(m(20));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [s(10), 'firing'],
      [m(8), 'resolved'],
    ]);
    expect(t.outputs[0]?.notification.alerts[0]?.annotations.summary).toBe('web-1 on host-a exited with code 1');
  });

  it('ignores the exit codes it is told to', () => {
    const t = timeline({ event: 'die', ignoreExitCodes: [0, 143] });
    t.at(0, (e) => e.event(die(143)));
    t.at(1, (e) => e.event(die(0)));
    t.at(2, (e) => e.event(die(2)));
    expect(t.sent.map((x) => x.at)).toEqual([2]);
  });

  it('does not call a docker stop (kill → die → stop) or an operator stop a crash', () => {
    const t = timeline({ event: 'die' });
    t.at(0, (e) => e.event(kill(15)));
    t.at(s(10), (e) => e.event(kill(9)));
    t.at(s(10) + 5, (e) => e.event(die(137)));
    t.at(s(10) + 6, (e) => e.event(stop()));
    t.at(s(20), (e) => e.expectStop(web.id, s(50)));
    t.at(s(21), (e) => e.event(die(143)));
    t.at(m(5), (e) => e.event(die(1)));
    expect(t.sent.map((x) => x.at)).toEqual([m(5)]);
  });

  it('only looks at the containers its selector picks', () => {
    const t = timeline({ event: 'die', containers: { names: ['api-*'] } });
    t.at(0, (e) => e.event(die(1)));
    t.at(1, (e) => e.event(die(1, container('api-1'))));
    expect(t.sent.map((x) => x.of)).toEqual([['api-1']]);
  });
});

describe('event rule oom', () => {
  it('fires on an OOM kill once, although the die (137) follows, and resolves after resolveAfter', () => {
    const t = timeline({ event: 'oom', resolveAfter: '10m' });
    t.at(0, (e) => e.event(event(web, 'oom', {})));
    t.at(1, (e) => e.event(die(137)));
    t.at(2, (e) => e.event(start()));
    t.until(m(30));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [0, 'firing'],
      [m(10), 'resolved'],
    ]);
  });
});

describe('event rule restart-loop', () => {
  it('fires after count crash restarts within the window and resolves when fewer remain in it', () => {
    const t = timeline({ event: 'restart-loop', threshold: { count: 3, window: '5m' } });
    for (const at of [0, m(1), m(2)]) {
      t.at(at, (e) => e.event(die(1)));
      t.at(at + s(1), (e) => e.event(start()));
    }
    t.until(m(20));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [m(2) + s(1), 'firing'],
      [m(5) + s(1), 'resolved'],
    ]);
    expect(t.outputs[0]?.notification.alerts[0]?.annotations.summary).toBe('web-1 on host-a restarted 3 times in 5m');
  });

  it('does not count restarts someone asked for', () => {
    const t = timeline({ event: 'restart-loop', threshold: { count: 2, window: '5m' } });
    for (const at of [0, m(1), m(2)]) {
      t.at(at, (e) => e.event(kill(15)));
      t.at(at + 1, (e) => e.event(die(143)));
      t.at(at + 2, (e) => e.event(stop()));
      t.at(at + 3, (e) => e.event(start()));
      t.at(at + 4, (e) => e.event(event(web, 'restart', {})));
    }
    t.until(m(10));
    expect(t.sent).toEqual([]);
  });
});

describe('event rule unhealthy', () => {
  it('fires after being unhealthy for 1m and resolves when healthy again', () => {
    const t = timeline({ event: 'unhealthy', for: '1m' });
    t.at(0, (e) => e.event(event(web, 'health_status', { status: 'unhealthy' })));
    t.at(s(30), (e) => e.event(event(web, 'health_status', { status: 'unhealthy' })));
    t.at(m(3), (e) => e.event(event(web, 'health_status', { status: 'healthy' })));
    t.until(m(10));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [m(1), 'firing'],
      [m(3), 'resolved'],
    ]);
  });

  it('says nothing when health comes back within for', () => {
    const t = timeline({ event: 'unhealthy', for: '1m' });
    t.at(0, (e) => e.event(event(web, 'health_status', { status: 'unhealthy' })));
    t.at(s(59), (e) => e.event(event(web, 'health_status', { status: 'healthy' })));
    t.until(m(10));
    expect(t.sent).toEqual([]);
  });
});

describe('event rule unexpected-stop', () => {
  it('fires when a container exits on its own and resolves when it runs again', () => {
    const t = timeline({ event: 'unexpected-stop' });
    t.at(0, (e) => e.event(die(2)));
    t.at(m(5), (e) => e.event(start()));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [0, 'firing'],
      [m(5), 'resolved'],
    ]);
    expect(t.outputs[0]?.notification.alerts[0]?.annotations.summary).toBe(
      'web-1 on host-a stopped without an operator asking (exit code 2)',
    );
  });

  it('stays quiet for a stop the operator asked for, through the whole kill → die → stop', () => {
    const t = timeline({ event: 'unexpected-stop' });
    t.at(0, (e) => e.expectStop(web.id, s(30)));
    t.at(s(1), (e) => e.event(kill(15)));
    t.at(s(2), (e) => e.event(die(143)));
    t.at(s(2) + 1, (e) => e.event(stop()));
    t.until(m(10));
    expect(t.sent).toEqual([]);
  });

  it('fires once for a docker stop from outside dockwatch (kill → die → stop)', () => {
    const t = timeline({ event: 'unexpected-stop' });
    t.at(0, (e) => e.event(kill(15)));
    t.at(s(1), (e) => e.event(die(0)));
    t.at(s(1) + 1, (e) => e.event(stop()));
    t.until(m(10));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([[s(1), 'firing']]);
  });

  it('stays quiet when a restart policy brings the container back within for', () => {
    const t = timeline({ event: 'unexpected-stop', for: '30s' });
    t.at(0, (e) => e.event(die(1)));
    t.at(s(2), (e) => e.event(start()));
    t.at(m(1), (e) => e.event(die(1)));
    t.until(m(5));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([[m(1) + s(30), 'firing']]);
  });

  it('counts an operator stop only until its expectation ends', () => {
    const t = timeline({ event: 'unexpected-stop' });
    t.at(0, (e) => e.expectStop(web.id, s(30)));
    t.at(m(1), (e) => e.event(die(1)));
    expect(t.sent.map((x) => x.at)).toEqual([m(1)]);
  });

  it('resolves when a resync lists the container as running again', () => {
    const t = timeline({ event: 'unexpected-stop' });
    t.at(0, (e) => e.event(die(1)));
    t.at(m(1), (e) => e.containers([web]));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [0, 'firing'],
      [m(1), 'resolved'],
    ]);
  });
});

describe('event rule engine-down', () => {
  it('fires while the engine is unreachable and resolves when it is back', () => {
    const t = timeline({ event: 'engine-down', for: '10s', severity: 'critical' });
    t.at(0, (e) => e.engineState(false));
    t.at(s(5), (e) => e.engineState(true));
    t.at(m(1), (e) => e.engineState(false));
    t.at(m(3), (e) => e.engineState(true));
    expect(t.sent.map((x) => [x.at, x.status, x.of])).toEqual([
      [m(1) + s(10), 'firing', ['']],
      [m(3), 'resolved', ['']],
    ]);
    expect(t.outputs[0]?.notification.alerts[0]).toMatchObject({
      key: 'r',
      annotations: { summary: 'The Docker engine on host-a is unreachable' },
    });
  });
});
