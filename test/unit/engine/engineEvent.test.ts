import { normalizeAction, parseEventLine, sinceAfter } from '../../../agent/engine/engineEvent';

describe('engine events', () => {
  it('keeps timeNano exact beyond 2^53', () => {
    const line =
      '{"status":"start","id":"abc","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"timeNano":"1"}},"scope":"local","time":1764375000,"timeNano":1764375000123456789}';
    const e = parseEventLine(line);
    expect(e.timeNano).toBe(1764375000123456789n);
    expect(e.Action).toBe('start');
  });

  it('renders since as seconds.nanoseconds', () => {
    expect(sinceAfter(1764375000000000042n)).toBe('1764375000.000000042');
  });

  it('drops exec arguments but keeps the health result', () => {
    expect(normalizeAction('exec_start: sh -c echo secret')).toBe('exec_start');
    expect(normalizeAction('health_status: unhealthy')).toBe('health_status: unhealthy');
    expect(normalizeAction('die')).toBe('die');
  });
});
