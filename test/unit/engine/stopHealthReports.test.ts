import type { EngineEvent } from '../../../agent/engine/engineEvent';
import { StopHealthReports } from '../../../agent/engine/stopHealthReports';

const event = (
  Action: string,
  ID = 'c1',
  Attributes: Record<string, string> = {},
  Type = 'container',
): EngineEvent => ({
  Type,
  Action,
  Actor: { ID, Attributes },
  time: 0,
  timeNano: 0n,
});

/** Which events of the sequence the filter calls noise. */
function noise(events: EngineEvent[]): string[] {
  const reports = new StopHealthReports();
  return events.filter((e) => reports.isStopNoise(e)).map((e) => `${e.Actor.ID} ${e.Action}`);
}

describe('StopHealthReports', () => {
  it('calls an unhealthy report between a kill and the die of docker rm -f noise (seen from the real engine)', () => {
    expect(noise([event('kill', 'c1', { signal: '9' }), event('health_status: unhealthy'), event('die')])).toEqual([
      'c1 health_status: unhealthy',
    ]);
  });

  it('does so for docker stop (TERM, then KILL) and for a report after the exit', () => {
    expect(noise([event('kill', 'c1', { signal: '15' }), event('health_status: unhealthy')])).toHaveLength(1);
    expect(noise([event('kill', 'c1', { signal: 'SIGTERM' }), event('health_status: unhealthy')])).toHaveLength(1);
    expect(noise([event('die'), event('health_status: unhealthy')])).toHaveLength(1);
  });

  it('keeps a real unhealthy report: a running container, after a reload signal, after it started again', () => {
    expect(noise([event('start'), event('health_status: unhealthy')])).toEqual([]);
    expect(noise([event('kill', 'c1', { signal: '1' }), event('health_status: unhealthy')])).toEqual([]);
    expect(
      noise([event('kill', 'c1', { signal: '9' }), event('die'), event('start'), event('health_status: unhealthy')]),
    ).toEqual([]);
    expect(
      noise([
        event('kill', 'c1', { signal: '15' }),
        event('health_status: healthy'),
        event('health_status: unhealthy'),
      ]),
    ).toEqual([]);
  });

  it('keeps containers apart and forgets a removed one', () => {
    expect(noise([event('kill', 'c1', { signal: '9' }), event('health_status: unhealthy', 'c2')])).toEqual([]);
    expect(noise([event('die'), event('destroy'), event('health_status: unhealthy')])).toEqual([]);
    expect(noise([event('kill', 'c1', { signal: '9' }, 'network'), event('health_status: unhealthy')])).toEqual([]);
  });
});
