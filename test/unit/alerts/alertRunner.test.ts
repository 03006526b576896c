import { alertsSchema } from '../../../config/alertsSchema';
import { AlertEngine } from '../../../alerts/alertEngine';
import type { AlertOutput } from '../../../alerts/alertEngine';
import { AlertRunner } from '../../../alerts/alertRunner';
import { waitFor } from '../../support/waitFor';
import { container, event } from './timeline';

function setup(extra: Record<string, unknown> = {}) {
  const config = alertsSchema.parse({
    routes: [{ notifiers: ['ops'] }],
    rules: [{ name: 'oom-killed', kind: 'event', event: 'oom', severity: 'critical', resolveAfter: '1s' }],
    ...extra,
  });
  const engine = new AlertEngine(config, { hostName: 'host-a', now: Date.now });
  const sent: AlertOutput[] = [];
  const runner = new AlertRunner(engine, (outputs) => sent.push(...outputs), Date.now);
  return { engine, runner, sent };
}

describe('AlertRunner', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('delivers a lone OOM after the group wait without anyone calling tick, then its resolution', async () => {
    const { runner, sent } = setup();
    stop = () => runner.stop();
    runner.start();
    runner.feed((e) => e.event(event(container('db'), 'oom', {})));
    await waitFor(async () => sent.length === 2, { what: 'firing and resolved notifications', timeoutMs: 10_000 });
    expect(sent.map((o) => [o.notification.status, o.notification.rule, o.notifiers])).toEqual([
      ['firing', 'oom-killed', ['ops']],
      ['resolved', 'oom-killed', ['ops']],
    ]);
  });

  it('emits at once what a call returns when there is no group wait', () => {
    const { runner, sent } = setup({ groupWait: '0s' });
    stop = () => runner.stop();
    runner.start();
    runner.feed((e) => e.event(event(container('db'), 'oom', {})));
    expect(sent).toHaveLength(1);
  });

  it('arms no timer once stopped', () => {
    const { engine, sent } = setup();
    const armed: number[] = [];
    const timers = {
      set: (fn: () => void, ms: number) => {
        armed.push(ms);
        return setTimeout(fn, ms);
      },
      clear: (t: NodeJS.Timeout) => clearTimeout(t),
    };
    const runner = new AlertRunner(engine, (outputs) => sent.push(...outputs), Date.now, { timers });
    runner.start();
    expect(armed).toEqual([1000]);
    runner.stop();
    runner.feed((e) => e.event(event(container('db'), 'oom', {})));
    expect(armed).toEqual([1000]);
    expect(sent).toEqual([]);
  });
});
