import type { Alert, AlertNotification, DigestNotification, Notification, Severity } from '../alert';
import { codeBlock, escapeDiscord } from './markupEscapes';
import type { Fact } from './notificationText';
import { alertFacts, alertName, alertTime, digestPeriod, headline } from './notificationText';
import { andMore, fitLines, truncate } from './textLimits';

/** Discord's documented message limits (characters). */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  /** Title, description, field names and values, footer and author of all embeds together. */
  total: 6000,
} as const;

/** Embed colours: severity for firing alerts, green once resolved, blue for digests. */
export const DISCORD_COLOURS: Readonly<Record<Severity | 'resolved', number>> = {
  critical: 0xd32f2f,
  warning: 0xf59e0b,
  info: 0x1e88e5,
  resolved: 0x2e7d32,
};

/** One embed of a Discord webhook message. */
export type DiscordEmbed = {
  title: string;
  description?: string;
  color: number;
  fields: { name: string; value: string; inline: boolean }[];
  footer: { text: string };
  timestamp: string;
};

/** The body of Discord's "execute webhook" call. */
export type DiscordPayload = {
  content?: string;
  username?: string;
  avatar_url?: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: ('roles' | 'users' | 'everyone')[] };
};

/** How a Discord notifier dresses its messages (from its config entry). */
export type DiscordOptions = { username?: string; avatarUrl?: string; mention?: string };

/** Room kept in the total for the `… and N more` footer. */
const MORE_RESERVE = 40;

/**
 * A Discord webhook message for a notification: one embed per alert (coloured by severity, green when resolved; the
 * first titled with the count, e.g. `3 alerts: crashed`), the log lines in a code block, as many alerts as fit Discord's
 * limits and `… and N more` in the last footer for the rest. Text from containers is escaped; only `mention` pings.
 */
export function renderDiscord(notification: Notification, options: DiscordOptions = {}): DiscordPayload {
  const embeds = notification.kind === 'digest' ? [digestEmbed(notification)] : alertEmbeds(notification);
  return {
    ...(options.mention ? { content: truncate(options.mention, DISCORD_LIMITS.content) } : {}),
    ...(options.username ? { username: options.username } : {}),
    ...(options.avatarUrl ? { avatar_url: options.avatarUrl } : {}),
    embeds,
    allowed_mentions: { parse: options.mention ? ['roles', 'users', 'everyone'] : [] },
  };
}

/** Characters of an embed that count towards Discord's 6000 total. */
export function embedSize(embed: DiscordEmbed): number {
  const fields = embed.fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  return embed.title.length + (embed.description?.length ?? 0) + fields + embed.footer.text.length;
}

function alertEmbeds(notification: AlertNotification): DiscordEmbed[] {
  const candidates = notification.alerts.slice(0, DISCORD_LIMITS.embeds);
  const budget = DISCORD_LIMITS.total - MORE_RESERVE;
  const perEmbed = Math.floor(budget / Math.max(1, candidates.length));
  const embeds: DiscordEmbed[] = [];
  let used = 0;
  for (const [i, alert] of candidates.entries()) {
    const embed = alertEmbed(notification, alert, i === 0, perEmbed);
    if (used + embedSize(embed) > budget) break;
    embeds.push(embed);
    used += embedSize(embed);
  }
  const left = notification.count - embeds.length;
  const last = embeds[embeds.length - 1];
  if (last && left > 0) last.footer.text = `${last.footer.text} · ${andMore(left, left === 1 ? 'alert' : 'alerts')}`;
  if (!last) embeds.push(emptyEmbed(notification));
  return embeds;
}

function alertEmbed(notification: AlertNotification, alert: Alert, first: boolean, budget: number): DiscordEmbed {
  const title = truncate(first ? headline(notification) : alertName(alert), DISCORD_LIMITS.title);
  const valueCap = Math.max(64, Math.min(DISCORD_LIMITS.fieldValue, Math.floor(budget / 6)));
  const fields = discordFields(alertFacts(alert, notification.host), valueCap);
  const footer = { text: truncate(`dockwatch · ${notification.host}`, DISCORD_LIMITS.footer) };
  const rest =
    budget - title.length - footer.text.length - fields.reduce((s, f) => s + f.name.length + f.value.length, 0);
  const description = alertDescription(alert, first, Math.min(DISCORD_LIMITS.description, rest));
  return {
    title,
    ...(description ? { description } : {}),
    color: notification.status === 'resolved' ? DISCORD_COLOURS.resolved : DISCORD_COLOURS[notification.severity],
    fields,
    footer,
    timestamp: new Date(alertTime(alert)).toISOString(),
  };
}

function alertDescription(alert: Alert, first: boolean, max: number): string {
  if (max <= 0) return '';
  const heading = first && alert.labels.container ? [`**${escapeDiscord(alert.labels.container)}**`] : [];
  const notes = [alert.annotations.summary, alert.annotations.description].filter((s): s is string => !!s);
  const text = [...heading, ...notes.map(escapeDiscord)].join('\n');
  const lines = alert.lines ?? [];
  if (lines.length === 0) return truncate(text, max);
  const textPart = truncate(text, Math.min(text.length, Math.floor(max / 2)));
  const code = codeBlock(lines, max - textPart.length - (textPart ? 1 : 0));
  return [textPart, code].filter(Boolean).join('\n') || truncate(text, max);
}

function discordFields(facts: readonly Fact[], valueCap: number): DiscordEmbed['fields'] {
  return facts.slice(0, DISCORD_LIMITS.fields).map((fact) => ({
    name: truncate(fact.name, DISCORD_LIMITS.fieldName),
    value: truncate(escapeDiscord(fact.value), valueCap) || '-',
    inline: fact.name !== 'Labels',
  }));
}

function emptyEmbed(notification: AlertNotification): DiscordEmbed {
  return {
    title: truncate(headline(notification), DISCORD_LIMITS.title),
    color: notification.status === 'resolved' ? DISCORD_COLOURS.resolved : DISCORD_COLOURS[notification.severity],
    fields: [],
    footer: { text: truncate(`dockwatch · ${notification.host}`, DISCORD_LIMITS.footer) },
    timestamp: new Date(notification.createdAt).toISOString(),
  };
}

function digestEmbed(digest: DigestNotification): DiscordEmbed {
  const title = truncate(headline(digest), DISCORD_LIMITS.title);
  const description = digestPeriod(digest);
  const footer = { text: `dockwatch · ${digest.host}` };
  const sections = digest.sections.slice(0, DISCORD_LIMITS.fields);
  const hidden = digest.sections.length - sections.length;
  const room = DISCORD_LIMITS.total - MORE_RESERVE - title.length - description.length - footer.text.length;
  const perField = Math.min(DISCORD_LIMITS.fieldValue, Math.floor(room / Math.max(1, sections.length)) - 64);
  const fields = sections.map((section) => ({
    name: truncate(section.title, Math.min(DISCORD_LIMITS.fieldName, 64)),
    value:
      fitLines(
        section.rows.map((row) => `${escapeDiscord(row.name)}: ${escapeDiscord(row.value)}`),
        Math.max(16, perField),
      ) || 'none',
    inline: false,
  }));
  if (hidden > 0) footer.text += ` · ${andMore(hidden, 'sections')}`;
  return {
    title,
    description,
    color: DISCORD_COLOURS.info,
    fields,
    footer,
    timestamp: new Date(digest.createdAt).toISOString(),
  };
}
