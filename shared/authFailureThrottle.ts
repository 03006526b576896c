import { isIPv6 } from 'node:net';

/** Refused requests (wrong token, bad signature) from one address within a window before it is answered 429. */
export const AUTH_FAILURE_LIMIT = 20;
/** The window the refusals are counted in; a blocked address is answered 429 until its window ends. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;
/** How many addresses the throttle remembers at most (the oldest entry goes first), so its memory stays bounded. */
export const AUTH_THROTTLE_MAX_ADDRESSES = 10_000;

/** The throttle's limits (defaults: the constants above). */
export type AuthThrottleOptions = { limit?: number; windowMs?: number; maxAddresses?: number };

/** Whether a request from an address may try to authenticate, or must wait `retryAfterSeconds`. */
export type ThrottleGate = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * What one refusal did: the refusals of the address in this window, and whether to log now (`first`: the first
 * of its window; `blocked`: the one that reached the limit). So an address costs at most two log lines a window.
 */
export type FailureNote = { failures: number; log: 'first' | 'blocked' | undefined };

type Entry = { since: number; failures: number };

/**
 * Counts refused authentications per client address in a fixed window that starts at the first refusal: past
 * `limit` of them the address is answered 429 (without looking at its credentials) until the window ends; a success
 * forgets the address. Pure: the caller passes the time.
 */
export class AuthFailureThrottle {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxAddresses: number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: AuthThrottleOptions = {}) {
    this.limit = options.limit ?? AUTH_FAILURE_LIMIT;
    this.windowMs = options.windowMs ?? AUTH_FAILURE_WINDOW_MS;
    this.maxAddresses = options.maxAddresses ?? AUTH_THROTTLE_MAX_ADDRESSES;
  }

  /** Whether `address` may try now: refused once it reached the limit within its window. */
  check(address: string, now: number): ThrottleGate {
    const entry = this.current(address, now);
    if (!entry || entry.failures < this.limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.since + this.windowMs - now) / 1000)) };
  }

  /** Records a refused authentication from `address`. */
  failed(address: string, now: number): FailureNote {
    const entry = this.current(address, now) ?? { since: now, failures: 0 };
    entry.failures++;
    this.entries.delete(address);
    this.entries.set(address, entry);
    if (this.entries.size > this.maxAddresses) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const log = entry.failures === 1 ? 'first' : entry.failures === this.limit ? 'blocked' : undefined;
    return { failures: entry.failures, log };
  }

  /** Forgets `address` after a request from it authenticated. */
  succeeded(address: string): void {
    this.entries.delete(address);
  }

  /** How many addresses are remembered. */
  get size(): number {
    return this.entries.size;
  }

  private current(address: string, now: number): Entry | undefined {
    const entry = this.entries.get(address);
    if (entry && now - entry.since >= this.windowMs) {
      this.entries.delete(address);
      return undefined;
    }
    return entry;
  }
}

/**
 * The key a client is counted under: an IPv4 address as is (also when the socket shows it IPv4-mapped,
 * `::ffff:10.0.0.1`), an IPv6 address by its /64 network (one host usually holds a whole /64).
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(address)) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...zeros, ...right].map((g) => (g.includes('.') ? g : Number.parseInt(g, 16).toString(16)));
}
