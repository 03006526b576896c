import { EventCounters } from '../../../agent/engine/eventCounters';
import type { EngineEvent } from '../../../agent/engine/engineEvent';

const event = (Type: string, Action: string, ID = 'c1'): EngineEvent => ({
  Type,
  Action,
  Actor: { ID },
  time: 1,
  timeNano: 1n,
});

describe('EventCounters', () => {
  it('counts by type and normalized action, and OOMs per container until it is destroyed', () => {
    const c = new EventCounters();
    c.record(event('container', 'oom'));
    c.record(event('container', 'oom'));
    c.record(event('container', 'exec_start: sh -c secret'));
    c.record(event('container', 'health_status: unhealthy'));
    c.record(event('image', 'pull', 'busybox'));
    expect(c.oomEvents('c1')).toBe(2);
    expect(c.oomEvents('c2')).toBe(0);
    expect(Object.fromEntries(c.byTypeAction)).toEqual({
      'container\u0000oom': 2,
      'container\u0000exec_start': 1,
      'container\u0000health_status: unhealthy': 1,
      'image\u0000pull': 1,
    });
    c.record(event('container', 'destroy'));
    expect(c.oomEvents('c1')).toBe(0);
  });
});
