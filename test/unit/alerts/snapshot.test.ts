import { migrate, openStore } from '../../../agent/store/database';
import { container, event, h, line, m, s, Timeline, toOps } from './timeline';

const crashed = { name: 'crashed', kind: 'event', event: 'die', resolveAfter: '1h' };
const errors = { name: 'errors', kind: 'log', match: 'ERROR', threshold: { count: 3, window: '10m' } };
const heartbeat = { name: 'heartbeat', kind: 'log', match: 'heartbeat', absentFor: '5m' };
const stopped = { name: 'stopped', kind: 'event', event: 'unexpected-stop' };
const web = container('web-1');

const section = (...rules: object[]) => ({ routes: toOps, repeatInterval: '4h', rules });

/** Saves the engine's snapshot in SQLite and starts a new engine from it at the same clock, as the agent does. */
function restart(t: Timeline, alerts: unknown, options = {}): Timeline {
  const db = openStore(':memory:');
  try {
    migrate(db, [{ name: 'test-alert-state', sql: 'CREATE TABLE alert_state (id INTEGER PRIMARY KEY, json TEXT)' }]);
    db.prepare('INSERT INTO alert_state (id, json) VALUES (1, ?)').run(JSON.stringify(t.engine.snapshot()));
    const row = db.prepare('SELECT json FROM alert_state WHERE id = 1').get() as { json: string };
    const next = new Timeline(alerts, options);
    next.clock = t.clock;
    next.engine.restore(JSON.parse(row.json));
    return next;
  } finally {
    db.close();
  }
}

const sentOf = (t: Timeline) => t.sent.map((x) => [x.at, x.status, x.rule]);

describe('snapshot and restore', () => {
  it('does not notify a still-firing alert again before its repeat interval', () => {
    const before = new Timeline(section(crashed));
    before.at(0, (e) => e.event(event(web, 'die', { exitCode: 1 })));
    before.until(m(10));
    expect(sentOf(before)).toEqual([[100, 'firing', 'crashed']]);
    const after = restart(before, section(crashed)).until(h(5));
    expect(sentOf(after)).toEqual([[h(1) + 100, 'resolved', 'crashed']]);
  });

  it('repeats after restore once the repeat interval has passed', () => {
    const before = new Timeline(section(crashed));
    for (let at = 0; at < h(3); at += m(30)) before.at(at, (e) => e.event(event(web, 'die', { exitCode: 1 })));
    const after = restart(before.until(h(3)), section(crashed));
    for (let at = h(3); at < h(5); at += m(30)) after.at(at, (e) => e.event(event(web, 'die', { exitCode: 1 })));
    expect(sentOf(before)).toEqual([[100, 'firing', 'crashed']]);
    expect(sentOf(after)).toEqual([[h(4) + 200, 'firing', 'crashed']]);
  });

  it('notifies after restore what fired but had not gone out yet', () => {
    const slow = { ...section(crashed), groupWait: '5s' };
    const before = new Timeline(slow);
    before.at(0, (e) => e.event(event(web, 'die', { exitCode: 1 })));
    const after = restart(before, slow).until(m(1));
    expect(sentOf(before)).toEqual([]);
    expect(sentOf(after)).toEqual([[s(5), 'firing', 'crashed']]);
  });

  it('keeps open windows: matches before the restart count toward a threshold after it', () => {
    const before = new Timeline(section(errors));
    before.at(0, (e) => e.log(line(web, 'ERROR 1')));
    before.at(m(1), (e) => e.log(line(web, 'ERROR 2')));
    const after = restart(before, section(errors));
    after.at(m(2), (e) => e.log(line(web, 'ERROR 3'))).until(m(3));
    expect(sentOf(after)).toEqual([[m(2) + 100, 'firing', 'errors']]);
  });

  it('drops the windows of a rule whose config changed, but keeps its alerts', () => {
    const before = new Timeline(section(errors));
    before.at(0, (e) => e.log(line(web, 'ERROR 1')));
    before.at(m(1), (e) => e.log(line(web, 'ERROR 2')));
    const after = restart(before, section({ ...errors, threshold: { count: 3, window: '11m' } }));
    after.at(m(2), (e) => e.log(line(web, 'ERROR 3'))).until(m(3));
    expect(sentOf(after)).toEqual([]);
  });

  it('keeps a stopped container’s alert firing and resolves it when it runs again', () => {
    const before = new Timeline(section(stopped));
    before.at(0, (e) => e.event(event(web, 'die', { exitCode: 0 })));
    before.until(s(1));
    const after = restart(before, section(stopped));
    after.at(h(1), (e) => e.event(event(web, 'start', {})));
    after.until(h(2));
    expect(sentOf(after)).toEqual([[h(1) + 100, 'resolved', 'stopped']]);
  });

  it('keeps a firing absence firing, and gives a quiet group a fresh absentFor', () => {
    const api = container('api-1');
    const before = new Timeline(section(heartbeat));
    before.at(0, (e) => e.containers([web, api]));
    before.at(m(3), (e) => e.log(line(api, 'heartbeat')));
    before.until(m(6));
    expect(sentOf(before)).toEqual([[m(5) + 100, 'firing', 'heartbeat']]);
    const after = restart(before, section(heartbeat));
    after.until(m(30));
    expect(after.sent.map((x) => [x.at, x.status, x.of])).toEqual([[m(11) + 100, 'firing', ['api-1']]]);
  });

  it('keeps silences added at runtime, and the alerts of rules that still exist only', () => {
    const before = new Timeline(section(crashed, errors), { newSilenceId: () => 'quiet' });
    before.engine.silences.add({ matchers: { container: 'db' }, until: h(2), createdBy: 'alice' });
    before.at(0, (e) => e.event(event(web, 'die', { exitCode: 1 })));
    before.until(s(1));
    const after = restart(before, section(errors));
    expect(after.engine.silences.list().map((x) => x.id)).toEqual(['quiet']);
    expect(after.engine.alerts()).toEqual([]);
  });

  it('ignores a snapshot it does not understand', () => {
    const t = new Timeline(section(crashed));
    for (const bad of [null, 42, 'x', { version: 99 }, { version: 1, savedAt: 'x' }]) t.engine.restore(bad);
    expect(t.engine.alerts()).toEqual([]);
  });
});
