import {
  AUTH_FAILURE_LIMIT,
  AUTH_FAILURE_WINDOW_MS,
  AuthFailureThrottle,
  clientKey,
} from '../../../shared/authFailureThrottle';

const A = '10.0.0.1';
const B = '10.0.0.2';

/** Records `n` refusals of `address` at time `at`, returning the notes. */
function fail(throttle: AuthFailureThrottle, address: string, n: number, at = 0) {
  return Array.from({ length: n }, () => throttle.failed(address, at));
}

describe('AuthFailureThrottle', () => {
  it('lets an address try until it reaches the limit within the window, then answers it "retry after" the window', () => {
    const throttle = new AuthFailureThrottle();
    fail(throttle, A, AUTH_FAILURE_LIMIT - 1, 1000);
    expect(throttle.check(A, 2000)).toEqual({ allowed: true });
    throttle.failed(A, 2000);
    expect(throttle.check(A, 2000)).toEqual({ allowed: false, retryAfterSeconds: 59 });
    expect(throttle.check(A, 1000 + AUTH_FAILURE_WINDOW_MS - 1)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(throttle.check(A, 1000 + AUTH_FAILURE_WINDOW_MS)).toEqual({ allowed: true });
  });

  it('counts each address apart', () => {
    const throttle = new AuthFailureThrottle();
    fail(throttle, A, AUTH_FAILURE_LIMIT);
    expect(throttle.check(A, 1).allowed).toBe(false);
    expect(throttle.check(B, 1).allowed).toBe(true);
  });

  it('forgets an address after a success, so its count starts again', () => {
    const throttle = new AuthFailureThrottle();
    fail(throttle, A, AUTH_FAILURE_LIMIT - 1);
    throttle.succeeded(A);
    fail(throttle, A, AUTH_FAILURE_LIMIT - 1);
    expect(throttle.check(A, 0).allowed).toBe(true);
  });

  it('starts a new window (and a new count) once the old one has passed', () => {
    const throttle = new AuthFailureThrottle();
    fail(throttle, A, AUTH_FAILURE_LIMIT - 1, 0);
    expect(throttle.failed(A, AUTH_FAILURE_WINDOW_MS)).toEqual({ failures: 1, log: 'first' });
    expect(throttle.check(A, AUTH_FAILURE_WINDOW_MS).allowed).toBe(true);
  });

  it('asks for two log lines a window at most: the first refusal and the one that reaches the limit', () => {
    const throttle = new AuthFailureThrottle();
    const notes = fail(throttle, A, 3 * AUTH_FAILURE_LIMIT);
    expect(notes.filter((n) => n.log === 'first').map((n) => n.failures)).toEqual([1]);
    expect(notes.filter((n) => n.log === 'blocked').map((n) => n.failures)).toEqual([AUTH_FAILURE_LIMIT]);
    expect(throttle.failed(A, AUTH_FAILURE_WINDOW_MS).log).toBe('first');
  });

  it('remembers at most maxAddresses, dropping the one refused longest ago', () => {
    const throttle = new AuthFailureThrottle({ limit: 2, maxAddresses: 3 });
    for (const address of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) fail(throttle, address, 2);
    fail(throttle, '1.1.1.1', 1);
    fail(throttle, '4.4.4.4', 2);
    expect(throttle.size).toBe(3);
    expect(throttle.check('2.2.2.2', 0).allowed).toBe(true);
    expect(throttle.check('1.1.1.1', 0).allowed).toBe(false);
    expect(throttle.check('4.4.4.4', 0).allowed).toBe(false);
  });

  it('keeps its table bounded under a flood of addresses', () => {
    const throttle = new AuthFailureThrottle({ maxAddresses: 100 });
    for (let i = 0; i < 10_000; i++) throttle.failed(`10.${i >> 8}.${i & 255}.1`, i);
    expect(throttle.size).toBe(100);
  });
});

describe('clientKey', () => {
  it('keeps IPv4 addresses, also IPv4-mapped ones, and counts IPv6 by /64', () => {
    expect(clientKey('127.0.0.1')).toBe('127.0.0.1');
    expect(clientKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});
