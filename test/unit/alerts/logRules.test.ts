import { container, event, line, m, s, Timeline, toOps } from './timeline';

const web1 = container('web-1', { 'com.docker.compose.service': 'web' });
const web2 = container('web-2', { 'com.docker.compose.service': 'web' });
const api = container('api-1', { 'com.docker.compose.service': 'api' });

function timeline(...rules: Record<string, unknown>[]) {
  return new Timeline({
    routes: toOps,
    groupWait: '0s',
    rules: rules.map((r, i) => ({ name: `r${i}`, kind: 'log', ...r })),
  });
}

describe('one-shot log rules', () => {
  it('fires on a matching line with the line in the message, and resolves after resolveAfter without another', () => {
    const t = timeline({ match: 'ERROR|FATAL', resolveAfter: '2m' });
    t.at(0, (e) => e.log(line(web1, 'INFO all good')));
    t.at(s(1), (e) => e.log(line(web1, 'ERROR db timeout')));
    t.at(m(1), (e) => e.log(line(web1, 'FATAL out of cheese')));
    t.until(m(10));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [s(1), 'firing'],
      [m(3), 'resolved'],
    ]);
    expect(t.outputs[0]?.notification.alerts[0]).toMatchObject({
      lines: ['ERROR db timeout'],
      annotations: { summary: 'web-1 on host-a logged a line matching r0', description: 'ERROR db timeout' },
    });
    expect(t.outputs[1]?.notification.alerts[0]?.lines).toEqual(['ERROR db timeout', 'FATAL out of cheese']);
  });

  it('keeps the last 5 matching lines, oldest first', () => {
    const t = timeline({ contains: 'boom' });
    for (let i = 1; i <= 8; i++) t.at(i, (e) => e.log(line(web1, `boom ${i}`)));
    expect(t.engine.alerts()[0]?.lines).toEqual(['boom 4', 'boom 5', 'boom 6', 'boom 7', 'boom 8']);
    expect(t.engine.stats().matches).toEqual({ r0: 8 });
  });

  it('matches a plain substring literally, case-insensitively when asked', () => {
    const t = timeline({ contains: 'a.b', ignoreCase: true });
    t.at(0, (e) => e.log(line(web1, 'axb')));
    t.at(1, (e) => e.log(line(web2, 'see A.B here')));
    expect(t.sent.map((x) => x.of)).toEqual([['web-2']]);
  });

  it('looks only at the stream and the containers the rule names', () => {
    const t = timeline({
      match: 'panic',
      stream: 'stderr',
      containers: { labels: { 'com.docker.compose.service': 'web' } },
    });
    t.at(0, (e) => e.log(line(web1, 'panic on stdout')));
    t.at(1, (e) => e.log(line(api, 'panic', 'stderr')));
    t.at(2, (e) => e.log(line(web2, 'panic: nil map', 'stderr')));
    expect(t.sent.map((x) => x.of)).toEqual([['web-2']]);
  });

  it('gives every rule its own alert when one line matches several', () => {
    const t = timeline({ match: 'ERROR' }, { contains: 'timeout' });
    t.at(0, (e) => e.log(line(web1, 'ERROR timeout')));
    expect(t.sent.map((x) => x.rule)).toEqual(['r0', 'r1']);
  });
});

describe('log thresholds', () => {
  it('fires per container once count matches fall within the window, and resolves when fewer do', () => {
    const t = timeline({ match: 'ERROR', threshold: { count: 3, window: '1m' } });
    t.at(0, (e) => e.log(line(web1, 'ERROR 1')));
    t.at(s(10), (e) => e.log(line(web2, 'ERROR a')));
    t.at(s(20), (e) => e.log(line(web1, 'ERROR 2')));
    t.at(s(30), (e) => e.log(line(web2, 'ERROR b')));
    t.at(s(50), (e) => e.log(line(web1, 'ERROR 3')));
    t.until(m(5));
    expect(t.sent.map((x) => [x.at, x.status, x.of])).toEqual([
      [s(50), 'firing', ['web-1']],
      [m(1), 'resolved', ['web-1']],
    ]);
    expect(t.outputs[0]?.notification.alerts[0]).toMatchObject({
      value: 3,
      lines: ['ERROR 1', 'ERROR 2', 'ERROR 3'],
      annotations: { summary: '3 lines matching r0 in 1m from web-1 on host-a', description: 'ERROR 3' },
    });
  });

  it('counts by a container label across containers when told to', () => {
    const by = 'com.docker.compose.service';
    const t = timeline({ match: 'ERROR', threshold: { count: 3, window: '1m', by } });
    t.at(0, (e) => e.log(line(web1, 'ERROR 1')));
    t.at(s(1), (e) => e.log(line(api, 'ERROR x')));
    t.at(s(2), (e) => e.log(line(web2, 'ERROR 2')));
    t.at(s(3), (e) => e.log(line(container('loner'), 'ERROR no label')));
    t.at(s(4), (e) => e.log(line(web1, 'ERROR 3')));
    t.until(s(30));
    expect(t.sent.map((x) => [x.at, x.of])).toEqual([[s(4), ['web']]]);
    expect(t.outputs[0]?.notification.alerts[0]).toMatchObject({
      key: 'r0{com.docker.compose.service="web"}',
      labels: { [by]: 'web' },
      annotations: {
        summary: '3 lines matching r0 in 1m from containers with com.docker.compose.service=web on host-a',
      },
    });
  });
});

describe('log absence', () => {
  const heartbeat = { match: 'heartbeat ok', absentFor: '5m', severity: 'critical' };

  it('fires when the heartbeat stops for absentFor and resolves when a line arrives', () => {
    const t = timeline(heartbeat);
    t.at(0, (e) => e.containers([web1]));
    for (let at = m(1); at <= m(10); at += m(1)) t.at(at, (e) => e.log(line(web1, 'heartbeat ok')));
    t.at(m(20), (e) => e.log(line(web1, 'heartbeat ok')));
    t.until(m(22));
    expect(t.sent.map((x) => [x.at, x.status, x.of])).toEqual([
      [m(15), 'firing', ['web-1']],
      [m(20), 'resolved', ['web-1']],
    ]);
    expect(t.outputs[0]?.notification.alerts[0]?.annotations).toEqual({
      summary: 'No line matching r0 from web-1 on host-a for 5m',
    });
  });

  it('watches a container from its start, and not after it stopped', () => {
    const t = timeline(heartbeat);
    t.at(0, (e) => e.event(event(web1, 'start', {})));
    t.at(m(1), (e) => e.event(event(api, 'start', {})));
    t.at(m(2), (e) => e.event(event(api, 'die', { exitCode: 0 })));
    t.until(m(30));
    expect(t.sent.map((x) => [x.at, x.status, x.of])).toEqual([[m(5), 'firing', ['web-1']]]);
  });

  it('watches a group while any of its containers runs, when grouped by a label', () => {
    const t = timeline({ ...heartbeat, by: 'com.docker.compose.service' });
    t.at(0, (e) => e.containers([web1, web2, api]));
    for (let at = m(1); at <= m(9); at += m(1)) t.at(at, (e) => e.log(line(at % m(2) ? web1 : web2, 'heartbeat ok')));
    t.until(m(9));
    expect(t.sent.map((x) => [x.at, x.of])).toEqual([[m(5), ['api']]]);
  });

  it('does not fire while the engine is unreachable, and waits a full absentFor once it is back', () => {
    const t = timeline(heartbeat);
    t.at(0, (e) => e.containers([web1]));
    t.at(m(1), (e) => e.engineState(false));
    t.at(m(20), (e) => e.engineState(true));
    t.until(m(30));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([[m(25), 'firing']]);
  });
});
