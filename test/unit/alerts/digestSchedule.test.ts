import { getTasks } from 'node-cron';
import type { DigestNotification } from '../../../alerts/alert';
import { DigestAccumulator } from '../../../alerts/digest';
import { DigestSchedule } from '../../../alerts/digestSchedule';

/** Polls `check` until it holds or `ms` pass. */
async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const restartOf = (name: string) => ({
  container: { id: name, name, labels: {} },
  time: 0,
  action: 'restart' as const,
});

describe('DigestSchedule', () => {
  let schedule: DigestSchedule | undefined;

  afterEach(() => {
    schedule?.stop();
    schedule = undefined;
  });

  it('sends the digest on a real node-cron schedule, one period after the other', async () => {
    const digest = new DigestAccumulator('host-a', Date.now());
    const sent: DigestNotification[] = [];
    digest.event(restartOf('web'));
    schedule = new DigestSchedule({ schedule: '* * * * * *', timezone: 'UTC', digest, send: (d) => sent.push(d) });
    schedule.start();
    await waitFor(() => sent.length >= 2, 10_000);
    schedule.stop();

    expect(sent[0]!.sections[0]!.rows[0]).toEqual({ name: 'Restarts', value: '1' });
    expect(sent[1]!.sections[0]!.rows[0]).toEqual({ name: 'Restarts', value: '0' });
    expect(sent[1]!.from).toBe(sent[0]!.to);
    expect([...getTasks().values()].some((t) => t.name === 'dockwatch-digest')).toBe(false);
  });

  it('makes up a digest the agent missed while it was down', () => {
    const now = Date.parse('2026-11-30T10:00:00Z');
    const digest = new DigestAccumulator('host-a', Date.parse('2026-11-29T09:00:00Z'));
    digest.event(restartOf('web'));
    const sent: DigestNotification[] = [];
    schedule = new DigestSchedule({ schedule: '0 9 * * *', digest, send: (d) => sent.push(d), now: () => now });
    schedule.start();
    expect(sent.map((d) => [d.from, d.to])).toEqual([[Date.parse('2026-11-29T09:00:00Z'), now]]);
    expect(digest.since).toBe(now);
  });

  it('sends nothing at start when no run was missed', () => {
    const now = Date.parse('2026-11-30T08:00:00Z');
    const digest = new DigestAccumulator('host-a', Date.parse('2026-11-29T09:00:00Z'));
    const sent: DigestNotification[] = [];
    schedule = new DigestSchedule({ schedule: '0 9 * * *', digest, send: (d) => sent.push(d), now: () => now });
    schedule.start();
    expect(sent).toEqual([]);
  });
});
