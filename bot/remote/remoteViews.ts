import type { AlertView, HostView, SilenceView } from '../controlApiViews';
import type { Alert } from '../../alerts/alert';
import type { Silence } from '../../alerts/silences';
import { AgentError } from '../agentClient';

/** The array under `field` of an agent's JSON answer; an AgentError naming the host when the shape is wrong. */
export function arrayField<T>(body: unknown, field: string, host: string): T[] {
  const value = objectOf(body, host)[field];
  if (!Array.isArray(value)) throw malformed(host, `no ${field} list`);
  return value as T[];
}

/** The JSON object an agent answered; an AgentError naming the host otherwise. */
export function objectOf(body: unknown, host: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed(host, 'not a JSON object');
  return body as Record<string, unknown>;
}

/** `GET /api/v1/host`, checked. */
export function hostViewOf(body: unknown, host: string): HostView {
  const view = objectOf(body, host);
  if (typeof view.hostName !== 'string' || view.hostName === '') throw malformed(host, 'no hostName');
  return view as HostView;
}

/** An alert as the API shows it (RFC 3339 times) back as the engine's Alert (ms since the epoch). */
export function alertFromView(view: AlertView): Alert {
  return {
    key: view.key,
    rule: view.rule,
    severity: view.severity,
    state: view.state,
    labels: { ...view.labels },
    annotations: { ...view.annotations },
    activeAt: Date.parse(view.activeAt),
    ...(view.firedAt === undefined ? {} : { firedAt: Date.parse(view.firedAt) }),
    ...(view.resolvedAt === undefined ? {} : { resolvedAt: Date.parse(view.resolvedAt) }),
    ...(view.value === undefined ? {} : { value: view.value }),
    ...(view.lines === undefined ? {} : { lines: [...view.lines] }),
    ...(view.silencedBy === undefined ? {} : { silencedBy: view.silencedBy }),
  };
}

/** A silence as the API shows it back as a Silence; config silences have no createdAt (0 here). */
export function silenceFromView(view: SilenceView): Silence {
  return {
    id: view.id,
    matchers: { ...view.matchers },
    until: Date.parse(view.until),
    comment: view.comment,
    createdBy: view.createdBy,
    createdAt: view.createdAt === undefined ? 0 : Date.parse(view.createdAt),
    source: view.source,
  };
}

function malformed(host: string, what: string): AgentError {
  return new AgentError(`host ${host} sent an answer this bot does not understand (${what})`);
}
