import type { Alert, AlertNotification, DigestNotification, Notification, Severity } from '../alert';
import { codeBlock, escapeSlack } from './markupEscapes';
import { alertFacts, alertName, digestPeriod, headline, oneLiner } from './notificationText';
import { andMore, fitLines, truncate } from './textLimits';

/** Slack's documented Block Kit limits (characters, counts). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  /** Kept short: the fallback shows in notifications, where long text is cut anyway. */
  fallbackText: 3000,
} as const;

/** A Block Kit text object. */
export type SlackText = { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean };

/** The Block Kit blocks dockwatch sends. */
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };

/** The body of a Slack incoming-webhook POST. */
export type SlackPayload = {
  text: string;
  blocks: SlackBlock[];
  channel?: string;
  username?: string;
  icon_emoji?: string;
};

/** How a Slack notifier dresses its messages (from its config entry). */
export type SlackOptions = { channel?: string; username?: string; iconEmoji?: string };

const STATUS_EMOJI: Readonly<Record<Severity | 'resolved', string>> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
  resolved: ':large_green_circle:',
};

/** Blocks one alert takes: its text section, its fields section and a divider. */
const BLOCKS_PER_ALERT = 3;

/** Section text shared by all alerts of one message, so 40 alerts stay a readable (and postable) message. */
const ALERT_TEXT_BUDGET = 24_000;

/**
 * A Slack incoming-webhook message: a header with the status emoji and `3 alerts: crashed`, per alert a section
 * (summary, description, log lines in a code block) and a section of fields, as many alerts as fit 50 blocks, then
 * `… and N more`; `text` is the plain fallback. Text from containers is escaped, so it cannot mention or link.
 */
export function renderSlack(notification: Notification, options: SlackOptions = {}): SlackPayload {
  const { text, blocks } = notification.kind === 'digest' ? digestMessage(notification) : alertMessage(notification);
  return {
    text: truncate(text, SLACK_LIMITS.fallbackText),
    blocks,
    ...(options.channel ? { channel: options.channel } : {}),
    ...(options.username ? { username: options.username } : {}),
    ...(options.iconEmoji ? { icon_emoji: options.iconEmoji } : {}),
  };
}

function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: true } };
}

function context(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) }] };
}

function alertMessage(notification: AlertNotification): { text: string; blocks: SlackBlock[] } {
  const emoji = STATUS_EMOJI[notification.status === 'resolved' ? 'resolved' : notification.severity];
  const title = headline(notification);
  const room = Math.floor((SLACK_LIMITS.blocks - 2) / BLOCKS_PER_ALERT);
  const shown = notification.alerts.slice(0, room);
  const textCap = Math.max(
    300,
    Math.min(SLACK_LIMITS.sectionText, Math.floor(ALERT_TEXT_BUDGET / Math.max(1, shown.length))),
  );
  const blocks: SlackBlock[] = [header(`${emoji} ${title}`)];
  for (const alert of shown) blocks.push(...alertBlocks(notification, alert, textCap));
  const left = notification.count - shown.length;
  const footer = `dockwatch · ${escapeSlack(notification.host)}`;
  blocks.push(context(left > 0 ? `${andMore(left, left === 1 ? 'alert' : 'alerts')} · ${footer}` : footer));
  const summaries = notification.alerts.map((alert) => oneLiner(notification, alert));
  const text = `${title} on ${notification.host}\n${fitLines(summaries, SLACK_LIMITS.fallbackText - title.length - 64)}`;
  return { text, blocks };
}

function alertBlocks(notification: AlertNotification, alert: Alert, max: number): SlackBlock[] {
  const notes = [alert.annotations.summary, alert.annotations.description].filter((s): s is string => !!s);
  const intro = [`*${escapeSlack(alertName(alert))}*`, ...notes.map(escapeSlack)].join('\n');
  const lines = alert.lines ?? [];
  const introPart = lines.length ? truncate(intro, Math.floor(max / 2)) : truncate(intro, max);
  const code = codeBlock(lines, max - introPart.length - 1, escapeSlack);
  const fields = alertFacts(alert, notification.host)
    .slice(0, SLACK_LIMITS.sectionFields)
    .map((fact): SlackText => ({
      type: 'mrkdwn',
      text: truncate(
        `*${fact.name}*\n${escapeSlack(fact.value)}`,
        Math.min(SLACK_LIMITS.fieldText, Math.floor(max / 4)),
      ),
    }));
  return [
    { type: 'section', text: { type: 'mrkdwn', text: [introPart, code].filter(Boolean).join('\n') } },
    { type: 'section', fields },
    { type: 'divider' },
  ];
}

function digestMessage(digest: DigestNotification): { text: string; blocks: SlackBlock[] } {
  const title = headline(digest);
  const room = SLACK_LIMITS.blocks - 3;
  const sections = digest.sections.slice(0, room);
  const blocks: SlackBlock[] = [header(`:bar_chart: ${title}`), context(digestPeriod(digest))];
  for (const section of sections) {
    const heading = `*${escapeSlack(section.title)}*\n`;
    const rows = section.rows.map((row) => `${escapeSlack(row.name)}: ${escapeSlack(row.value)}`);
    const body = fitLines(rows, SLACK_LIMITS.sectionText - heading.length) || 'none';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(heading + body, SLACK_LIMITS.sectionText) },
    });
  }
  const hidden = digest.sections.length - sections.length;
  if (hidden > 0) blocks.push(context(andMore(hidden, 'sections')));
  const text = `${title} (${digestPeriod(digest)})\n${digest.sections.map((s) => s.title).join(', ')}`;
  return { text, blocks };
}
