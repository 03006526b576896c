import { createHash, timingSafeEqual } from 'node:crypto';
import { isLoopbackHost } from '../config/hostPort';

/** The facts of a request that decide whether the control API answers it. */
export type AccessRequest = {
  /** The peer's address as the socket reports it (`127.0.0.1`, `::1`, `::ffff:127.0.0.1`, …). */
  remoteAddress: string | undefined;
  /** The Host header. */
  host: string | undefined;
  /** The Authorization header. */
  authorization: string | undefined;
};

/** Whether a request may go on; a refusal carries its status, a message without secrets and the headers to send. */
export type AccessDecision =
  { allowed: true } | { allowed: false; status: 401 | 403; error: string; headers: Record<string, string> };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const CHALLENGE = { 'www-authenticate': 'Bearer realm="dockwatch"' };

/**
 * Deny by default. With a token, every request needs `Authorization: Bearer <token>` (compared in constant time).
 * Without one, only loopback peers that address the agent by a loopback name are answered (the Host check keeps a web
 * page that rebinds its DNS name to 127.0.0.1 out).
 */
export function accessPolicy(token: string | undefined): (req: AccessRequest) => AccessDecision {
  if (token === undefined) return tokenlessAccess;
  const expected = digest(token);
  return (req) => {
    if (req.authorization === undefined) {
      return refuse(401, 'this request needs an Authorization: Bearer <token> header (agent.token)', CHALLENGE);
    }
    const given = BEARER.exec(req.authorization)?.[1];
    if (given === undefined) return refuse(401, 'the Authorization header is not "Bearer <token>"', CHALLENGE);
    if (!timingSafeEqual(digest(given), expected)) return refuse(401, 'the bearer token is wrong', CHALLENGE);
    return { allowed: true };
  };
}

function tokenlessAccess(req: AccessRequest): AccessDecision {
  if (req.remoteAddress === undefined || !isLoopbackHost(req.remoteAddress)) {
    return refuse(403, 'without agent.token the control API answers loopback clients only');
  }
  const host = req.host === undefined ? undefined : hostName(req.host);
  if (host === undefined || !isLoopbackHost(host)) {
    const got = req.host === undefined ? 'no Host header' : `Host ${JSON.stringify(req.host)}`;
    return refuse(403, `without agent.token the control API answers requests to a loopback host only, got ${got}`);
  }
  return { allowed: true };
}

/** The host part of a Host header: `localhost:9417` → `localhost`, `[::1]:9417` → `::1`. */
export function hostName(header: string): string | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::\d{1,5})?$/.exec(header.trim());
  return match?.[1] ?? match?.[2];
}

/** Equal-length digests, so timingSafeEqual can compare tokens of any length without revealing the length. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function refuse(status: 401 | 403, error: string, headers: Record<string, string> = {}): AccessDecision {
  return { allowed: false, status, error, headers };
}
