import { alertsSchema } from '../../../config/alertsSchema';
import { alertMessage } from '../../../bot/alertMessage';
import type { ImageUpdate } from '../../../alerts/inputs';
import { container, event, h, m, Timeline, toOps } from './timeline';

const web = container('web-1');
const api = container('api-1', { tier: 'back' });
const IMAGE = '127.0.0.1:5000/app:latest';
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const found = (digest: string, c = web): ImageUpdate => ({ container: c, image: IMAGE, available: true, digest });
const current = (c = web): ImageUpdate => ({ container: c, image: IMAGE, available: false });

function timeline(rule: Record<string, unknown> = {}, repeatInterval = '4h') {
  return new Timeline({
    routes: toOps,
    groupWait: '0s',
    groupWindow: '0s',
    repeatInterval,
    rules: [{ name: 'update', kind: 'event', event: 'update-available', ...rule }],
  });
}

describe('event rule update-available', () => {
  it('fires once per (container, digest) over many rounds, again only when the tag moves again', () => {
    const t = timeline();
    for (let round = 0; round < 10; round++) t.at(m(round), (e) => e.imageUpdate(found(D1)));
    t.at(m(10), (e) => e.imageUpdate(found(D2)));
    t.at(m(11), (e) => e.imageUpdate(found(D2)));
    expect(t.sent.map((x) => [x.at, x.status, x.of])).toEqual([
      [0, 'firing', [`web-1,${IMAGE},${D1}`]],
      [m(10), 'resolved', [`web-1,${IMAGE},${D1}`]],
      [m(10), 'firing', [`web-1,${IMAGE},${D2}`]],
    ]);
    const alert = t.outputs[0]?.notification.alerts[0];
    expect(alert?.labels).toMatchObject({ container: 'web-1', image: IMAGE, digest: D1 });
    expect(alert?.annotations.summary).toBe(`web-1 on host-a: ${IMAGE} now points to another image (${D1})`);
  });

  it('resolves when a check finds the container on the tag image, or when the container is removed', () => {
    const t = timeline();
    t.at(0, (e) => e.imageUpdate(found(D1)));
    t.at(0, (e) => e.imageUpdate(found(D1, api)));
    t.at(m(1), (e) => e.imageUpdate(current()));
    t.at(m(2), (e) => e.event(event(api, 'destroy', {})));
    t.at(m(3), (e) => e.imageUpdate(current()));
    expect(t.sent.map((x) => [x.at, x.status, x.of[0]?.split(',')[0]])).toEqual([
      [0, 'firing', 'web-1'],
      [0, 'firing', 'api-1'],
      [m(1), 'resolved', 'web-1'],
      [m(2), 'resolved', 'api-1'],
    ]);
  });

  it('ignores a late answer about a removed container: a round that began before a deploy does not bring it back', () => {
    const t = timeline();
    t.at(0, (e) => e.imageUpdate(found(D1)));
    t.at(m(1), (e) => e.event(event(web, 'destroy', {})));
    // The round checked web-1 before the deploy removed it; its answer arrives after the destroy.
    t.at(m(1) + 50, (e) => e.imageUpdate(found(D1)));
    t.at(m(2), (e) => e.imageUpdate(found(D1)));
    t.until(h(1));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [0, 'firing'],
      [m(1), 'resolved'],
    ]);
  });

  it('stays firing through a stop and a failed check (no input), re-notifying only at the repeat interval', () => {
    const t = timeline({}, '4h');
    t.at(0, (e) => e.imageUpdate(found(D1)));
    t.at(m(5), (e) => e.event(event(web, 'die', { exitCode: 1 })));
    t.until(h(5));
    expect(t.sent.map((x) => [x.at, x.status])).toEqual([
      [0, 'firing'],
      [h(4), 'firing'],
    ]);
  });

  it('takes only the containers its selector names and ignores engine events otherwise', () => {
    const t = timeline({ containers: { labels: { tier: 'back' } } });
    t.at(0, (e) => e.imageUpdate(found(D1)));
    t.at(0, (e) => e.event(event(web, 'start', {})));
    t.at(1, (e) => e.imageUpdate(found(D1, api)));
    expect(t.sent.map((x) => x.of[0]?.split(',')[0])).toEqual(['api-1']);
  });

  it('keeps its alert across an agent restart (snapshot and restore): no second notice for the same digest', () => {
    const t = timeline();
    t.at(0, (e) => e.imageUpdate(found(D1)));
    const saved = JSON.parse(JSON.stringify(t.engine.snapshot())) as unknown;
    const t2 = timeline();
    t2.clock = m(30);
    t2.engine.restore(saved);
    t2.at(m(31), (e) => e.imageUpdate(found(D1)));
    t2.at(m(32), (e) => e.imageUpdate(current()));
    expect(t2.sent.map((x) => [x.at, x.status])).toEqual([[m(32), 'resolved']]);
  });

  it('the chat message of its alert carries Deploy (deploy <container> <image>) instead of Restart', () => {
    const t = timeline();
    t.at(0, (e) => e.imageUpdate(found(D1)));
    const alert = t.outputs[0]!.notification.alerts[0]!;
    const reply = alertMessage(alert, 'host-a', 0);
    expect(reply.buttons?.map((b) => [b.label, b.id])).toEqual([
      ['Deploy', `run:deploy web-1 ${IMAGE} --host host-a`],
      ['Logs', 'run:logs web-1 --tail 50 --host host-a'],
      ['Silence 1h', 'run:silence rule=update,container=web-1 1h --host host-a'],
    ]);
  });

  it('the schema reserves the image and digest labels of update-available rules', () => {
    const parsed = alertsSchema.safeParse({
      rules: [{ name: 'u', kind: 'event', event: 'update-available', labels: { image: 'x', team: 'web' } }],
    });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('is set by dockwatch on update-available alerts');
    const ok = alertsSchema.safeParse({ rules: [{ name: 'u', kind: 'event', event: 'update-available' }] });
    expect(ok.success).toBe(true);
  });
});
