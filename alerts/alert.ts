import type { Severity } from '../config/alertRule';

export { SEVERITIES, type Severity } from '../config/alertRule';

/** Where an alert is in its lifecycle; an inactive alert is simply absent. */
export type AlertState = 'pending' | 'firing' | 'resolved';

/** One alert, identified by its rule plus its grouping labels. Times are ms since the epoch. */
export type Alert = {
  /** Stable identity: the rule name plus the sorted grouping labels (e.g. `crashed{container="web"}`). */
  key: string;
  rule: string;
  severity: Severity;
  state: AlertState;
  /** `alertname`, `severity`, `host`, the rule's own labels and the grouping labels (`container`, …). */
  labels: Record<string, string>;
  /** Rendered templates: `summary`, `description` and any others the rule names. */
  annotations: Record<string, string>;
  /** When the condition first held (pending since). */
  activeAt: number;
  firedAt?: number;
  resolvedAt?: number;
  /** The metric value that crossed a threshold, or the number of matches of a log threshold. */
  value?: number;
  /** The log lines behind it, oldest first, at most a few. */
  lines?: string[];
  /** What keeps it quiet now (a silence's id, or `maintenance`); set where alerts are read for the API and the bot. */
  silencedBy?: string;
};

/** One message for the notifiers: the alerts of one rule gathered in one group window, or a digest. */
export type Notification = AlertNotification | DigestNotification;

/** Alerts of one rule with one status, sent as one message. */
export type AlertNotification = {
  kind: 'alerts';
  /** Unique per notification; the outbox and receivers use it to deduplicate. */
  id: string;
  host: string;
  rule: string;
  severity: Severity;
  status: 'firing' | 'resolved';
  /** The alerts themselves, possibly capped; `count` says how many the message stands for. */
  alerts: Alert[];
  count: number;
  createdAt: number;
};

/** A periodic summary of one host. */
export type DigestNotification = {
  kind: 'digest';
  id: string;
  host: string;
  from: number;
  to: number;
  /** Titled sections of name/value rows (restarts, OOMs, errors per container, noisiest rules, alerts). */
  sections: DigestSection[];
  createdAt: number;
};

/** One titled table of a digest. */
export type DigestSection = { title: string; rows: { name: string; value: string }[] };
