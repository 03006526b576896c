import { z } from 'zod';
import { describeValue, duration, secret, text } from './fields';
import { isMapping } from './keyPath';
import { closestMatch } from './suggest';

/** The notifier types the config accepts. */
export const NOTIFIER_TYPES = ['discord-webhook', 'slack-webhook', 'alertmanager', 'webhook'] as const;

/** One of {@link NOTIFIER_TYPES}. */
export type NotifierType = (typeof NOTIFIER_TYPES)[number];

const SECOND = 1000;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** An http(s) URL kept secret: its problems are phrased without ever echoing the value. */
function secretUrl() {
  const schema = z.unknown().transform((input, ctx): string => {
    const problem = urlProblem(input);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return input as string;
  });
  return secret(schema);
}

function urlProblem(input: unknown): string | undefined {
  if (input === undefined) return 'is required';
  if (typeof input !== 'string') return 'expected a string';
  if (input === '') return 'must not be empty';
  if (!URL.canParse(input)) return 'is not a URL (expected http://… or https://…)';
  const { protocol } = new URL(input);
  if (protocol !== 'http:' && protocol !== 'https:') return `must be an http:// or https:// URL, not ${protocol}//`;
  return undefined;
}

/** A public http(s) URL (e.g. an avatar), echoed in errors. */
function publicUrl() {
  return z.string().superRefine((s, ctx) => {
    const problem = urlProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} ${problem}` });
  });
}

/** A header value: secret, so a wrong type is reported without the value. */
function secretHeaderValue() {
  const schema = z.unknown().transform((input, ctx): string => {
    if (typeof input !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'expected a string (quote it)' });
      return z.NEVER;
    }
    return input;
  });
  return secret(schema);
}

function headers() {
  return z.record(z.string(), secretHeaderValue()).superRefine(
    (map, ctx) => {
      if (!isMapping(map)) return;
      for (const name of Object.keys(map)) {
        if (HEADER_NAME.test(name)) continue;
        ctx.addIssue({ code: 'custom', path: [name], message: 'is not an HTTP header name' });
      }
    },
    { when: () => true },
  );
}

/**
 * A mapping that rejects unknown keys with "did you mean". The config's issue messages cannot see which option of a
 * union a key belongs to, so the check lives here; typed as the strict object it behaves as.
 */
function strictEntry<Shape extends z.core.$ZodShape>(shape: Shape): z.ZodObject<Shape, z.core.$strict> {
  const known = Object.keys(shape);
  const schema = z.looseObject(shape).superRefine(
    (entry, ctx) => {
      if (!isMapping(entry)) return;
      for (const key of Object.keys(entry)) {
        if (!known.includes(key)) ctx.addIssue({ code: 'custom', path: [key], message: unknownKeyMessage(key, known) });
      }
    },
    { when: () => true },
  );
  return schema as unknown as z.ZodObject<Shape, z.core.$strict>;
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closestMatch(key, known);
  return guess
    ? `unknown key (did you mean ${JSON.stringify(guess)}?)`
    : `unknown key (known keys: ${known.join(', ')})`;
}

const common = {
  name: text(),
  url: secretUrl(),
  timeout: duration(100).prefault('10s'),
};

const discordWebhook = strictEntry({
  type: z.literal('discord-webhook'),
  ...common,
  username: text().max(80, 'must be at most 80 characters (a Discord limit)').optional(),
  avatarUrl: publicUrl().optional(),
  mention: text().optional(),
});

const slackWebhook = strictEntry({
  type: z.literal('slack-webhook'),
  ...common,
  channel: text().optional(),
  username: text().optional(),
  iconEmoji: z
    .string()
    .regex(/^:[^:\s]+:$/, 'must look like :emoji_name:')
    .optional(),
});

const alertmanager = strictEntry({
  type: z.literal('alertmanager'),
  ...common,
  resendInterval: duration(SECOND).prefault('1m'),
});

const webhook = strictEntry({
  type: z.literal('webhook'),
  ...common,
  headers: headers().optional(),
});

function typeMessage(input: unknown): string {
  const type = isMapping(input) ? input.type : undefined;
  const options = NOTIFIER_TYPES.join(', ');
  if (type === undefined) return `is required (one of ${options})`;
  const guess = typeof type === 'string' ? guessType(type) : undefined;
  return `${describeValue(type)} is not one of ${options}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`;
}

function guessType(type: string): string | undefined {
  return closestMatch(type, NOTIFIER_TYPES) ?? NOTIFIER_TYPES.find((t) => t.startsWith(`${type.toLowerCase()}-`));
}

const notifierEntry = z.discriminatedUnion('type', [discordWebhook, slackWebhook, alertmanager, webhook], {
  error: (issue) => (issue.code === 'invalid_union' ? typeMessage(issue.input) : undefined),
});

/** The top-level `notifiers:` list: where notifications can go, each with a unique name. Durations parse to ms. */
export const notifiersSchema = z
  .array(notifierEntry)
  .superRefine(
    (entries, ctx) => {
      if (!Array.isArray(entries)) return;
      const firstIndex = new Map<string, number>();
      entries.forEach((entry: unknown, i) => {
        const name = isMapping(entry) ? entry.name : undefined;
        if (typeof name !== 'string' || name === '') return;
        const first = firstIndex.get(name);
        if (first === undefined) {
          firstIndex.set(name, i);
          return;
        }
        const message = `${JSON.stringify(name)} is already the name of notifiers[${first}]`;
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message });
      });
    },
    { when: () => true },
  )
  .prefault([]);

/** The validated `notifiers:` list. */
export type NotifiersConfig = z.output<typeof notifiersSchema>;

/** One validated notifier entry; `type` tells which. */
export type NotifierConfig = NotifiersConfig[number];

/** The entry of one notifier type. */
export type NotifierConfigOf<T extends NotifierConfig['type']> = Extract<NotifierConfig, { type: T }>;
