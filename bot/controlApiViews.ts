import type { Alert, AlertState, Severity } from '../alerts/alert';
import type { Matchers, Silence } from '../alerts/silences';

/** An alert as the control API shows it; times are RFC 3339. */
export type AlertView = {
  key: string;
  rule: string;
  severity: Severity;
  state: AlertState;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  activeAt: string;
  firedAt?: string;
  resolvedAt?: string;
  value?: number;
  lines?: string[];
  /** The id of the silence (or maintenance window) keeping it from being notified, if any. */
  silencedBy?: string;
};

/** A silence or maintenance window as the control API shows it; times are RFC 3339. */
export type SilenceView = {
  id: string;
  matchers: Matchers;
  until: string;
  comment: string;
  createdBy: string;
  /** Absent for silences from the config file. */
  createdAt?: string;
  /** `config`: from the file, back on every start; `runtime`: added through the API, kept in the store. */
  source: Silence['source'];
};

/** What `GET /api/v1/host` answers: enough for the bot to list and tell apart its agents. */
export type HostView = { hostName: string; version: string; engineUp: boolean };

/** The JSON shape of one alert. */
export function alertView(alert: Alert, silencedBy?: string): AlertView {
  return {
    key: alert.key,
    rule: alert.rule,
    severity: alert.severity,
    state: alert.state,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    activeAt: rfc3339(alert.activeAt),
    ...(alert.firedAt === undefined ? {} : { firedAt: rfc3339(alert.firedAt) }),
    ...(alert.resolvedAt === undefined ? {} : { resolvedAt: rfc3339(alert.resolvedAt) }),
    ...(alert.value === undefined ? {} : { value: alert.value }),
    ...(alert.lines === undefined ? {} : { lines: [...alert.lines] }),
    ...(silencedBy === undefined ? {} : { silencedBy }),
  };
}

/** The JSON shape of one silence. */
export function silenceView(silence: Silence): SilenceView {
  return {
    id: silence.id,
    matchers: { ...silence.matchers },
    until: rfc3339(silence.until),
    comment: silence.comment,
    createdBy: silence.createdBy,
    ...(silence.source === 'config' ? {} : { createdAt: rfc3339(silence.createdAt) }),
    source: silence.source,
  };
}

/** ms since the epoch as RFC 3339 in UTC with milliseconds (`2026-01-01T00:00:00.000Z`). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
