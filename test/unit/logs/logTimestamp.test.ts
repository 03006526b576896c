import { formatSince, parseLogTimestamp } from '../../../agent/logs/logTimestamp';

describe('parseLogTimestamp', () => {
  it('reads the engine fixed nine-digit form exactly', () => {
    expect(parseLogTimestamp('2026-11-29T03:13:28.123456789Z')).toBe(1795922008123456789n);
  });

  it('reads shorter fractions, no fraction and offsets', () => {
    expect(parseLogTimestamp('2026-11-29T03:13:28.5Z')).toBe(1795922008500000000n);
    expect(parseLogTimestamp('2026-11-29T03:13:28Z')).toBe(1795922008000000000n);
    expect(parseLogTimestamp('2026-11-29T04:13:28.000000001+01:00')).toBe(1795922008000000001n);
  });

  it('keeps two times one nanosecond apart distinct (a double would not)', () => {
    const a = parseLogTimestamp('2026-11-29T03:13:28.999999998Z') as bigint;
    const b = parseLogTimestamp('2026-11-29T03:13:28.999999999Z') as bigint;
    expect(b - a).toBe(1n);
  });

  it('rejects what is not a time', () => {
    expect(parseLogTimestamp('hello world, this is a line')).toBeUndefined();
    expect(parseLogTimestamp('2026-11-29T03:13:28.1234567891Z')).toBeUndefined();
    expect(parseLogTimestamp('2026-11-29T03:13:28.123')).toBeUndefined();
  });

  it('round-trips through the since form', () => {
    expect(formatSince(1795922008000000001n)).toBe('1795922008.000000001');
    expect(formatSince(0n)).toBe('0.000000000');
  });
});
