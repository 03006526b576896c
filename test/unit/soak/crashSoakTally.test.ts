import { crashSoakHeld, tallyCrashSoak } from '../../../soak/crashSoakTally';

describe('tallyCrashSoak: lines and alerts of the crash soak', () => {
  const loggers = [
    { name: 'a', written: 110, counted: 110, marker: 'mark-0000' },
    { name: 'b', written: 110, counted: 100, marker: 'mark-0001' },
    { name: 'c', written: 110, counted: 115, marker: 'mark-0002' },
    { name: 'd', written: 110, counted: 110 },
  ];
  const firing = (id: string, rule: string, container: string) => ({
    id,
    rule,
    status: 'firing',
    containers: [container],
  });

  it('counts lost and duplicated lines per container, and alerts per marker by id (a repeated id apart)', () => {
    const t = tallyCrashSoak(
      7,
      loggers,
      [
        firing('n1', 'mark-0000', 'a'),
        firing('n1', 'mark-0000', 'a'),
        firing('n2', 'mark-0002', 'c'),
        firing('n3', 'mark-0002', 'c'),
        firing('n4', 'mark-0002', 'b'),
        { id: 'n5', rule: 'mark-0000', status: 'resolved', containers: ['a'] },
      ],
      'ok',
    );
    expect(t).toEqual({
      kills: 7,
      containers: 4,
      linesWritten: 440,
      linesCounted: 435,
      linesLost: 10,
      linesDuplicated: 5,
      markers: 3,
      alertsDelivered: 2,
      alertsLost: 1,
      alertsDuplicated: 1,
      sameIdRepeats: 1,
      unexpected: 2,
      integrity: 'ok',
    });
    expect(crashSoakHeld(t)).toBe(false);
  });

  it('holds when every line is counted once and every marker notified once, repeats of an id allowed', () => {
    const clean = loggers.map((l) => ({ ...l, counted: l.written }));
    const sent = ['a', 'b', 'c'].map((c, i) => firing(`n${i}`, `mark-000${i}`, c));
    const t = tallyCrashSoak(3, clean, [...sent, firing('n0', 'mark-0000', 'a')], 'ok');
    expect([t.linesLost, t.linesDuplicated, t.alertsLost, t.alertsDuplicated, t.sameIdRepeats]).toEqual([
      0, 0, 0, 0, 1,
    ]);
    expect(crashSoakHeld(t)).toBe(true);
    expect(crashSoakHeld({ ...t, integrity: '*** in database main ***' })).toBe(false);
  });
});
