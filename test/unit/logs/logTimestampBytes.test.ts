import { parseLogTimestamp, parseLogTimestampAt } from '../../../agent/logs/logTimestamp';

const at = (text: string) => {
  const buf = Buffer.from(`${text} line\n`, 'latin1');
  const out = { sec: 0, ns: 0 };
  const space = parseLogTimestampAt(buf, 0, buf.length, out);
  return space < 0 ? undefined : BigInt(out.sec) * 1_000_000_000n + BigInt(out.ns);
};

describe('parseLogTimestampAt', () => {
  it.each([
    '2026-11-29T03:13:28.123456789Z',
    '2026-11-29T03:13:28.1Z',
    '2026-11-29T03:13:28Z',
    '2026-11-29T03:13:29.000000001Z',
    '1970-01-01T00:00:00.5Z',
    '2026-12-31T23:59:59.999999999Z',
  ])('reads %s as parseLogTimestamp does', (text) => {
    expect(at(text)).toBe(parseLogTimestamp(text));
    expect(at(text)).toBe(parseLogTimestamp(text));
  });

  it.each([
    '2026-11-29T03:13:28.123+01:00',
    '2026-11-29T03:13:28.1234567890Z',
    '2026-11-29T03:13:28.Z',
    '2026-11-29 03:13:28Z',
    '2026-13-29T03:13:28Z',
    'not a timestamp at all',
  ])('leaves %s to the general parser', (text) => {
    expect(at(text)).toBeUndefined();
  });
});
