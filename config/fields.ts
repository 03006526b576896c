import { z } from 'zod';
import type { ContainerSelector } from './containerSelector';
import { dockerHostScheme } from './dockerHost';
import { formatDuration, parseDuration } from './duration';
import { parseHostPort } from './hostPort';

/** Facts about a config field that the schema walkers read (redaction, env overrides, error messages). */
export type FieldMeta = {
  /** Printed as `<secret>` and never echoed in errors. */
  secret?: boolean;
  /** A duration string in the file, milliseconds once parsed. */
  duration?: boolean;
};

/** The one place fields are marked: `secret(...)` and `duration(...)` register here. */
export const fieldMeta = z.registry<FieldMeta>();

/** Marks a field as secret (rendered as `<secret>`, never echoed in errors). */
export function secret<T extends z.ZodType>(schema: T): T {
  fieldMeta.add(schema, { ...fieldMeta.get(schema), secret: true });
  return schema;
}

/** A duration string (`500ms`, `5s`, `1m`, `1h30m`) parsed to milliseconds, at least `minMs`. */
export function duration(minMs = 0) {
  const schema = z.unknown().transform((input, ctx): number => {
    const ms = typeof input === 'string' ? parseDuration(input) : undefined;
    if (input === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required (a duration such as 30s or 5m)' });
      return z.NEVER;
    }
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${describeValue(input)} is not a duration (use e.g. 500ms, 5s, 1m, 4h)`,
      });
      return z.NEVER;
    }
    if (ms < minMs) {
      ctx.addIssue({
        code: 'custom',
        message: `${describeValue(input)} is below the minimum ${formatDuration(minMs)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
  return schema.register(fieldMeta, { duration: true });
}

/** A non-empty string. */
export function text() {
  return z.string().min(1);
}

/** A string that may be empty in the file (e.g. `${UNSET_OK}`); empty means not set. */
export function optionalText() {
  return z.string().transform((s) => (s === '' ? undefined : s));
}

/** An integer ≥ `min`; a numeric string (from `${VAR}` or an env override) is accepted. */
export function integer(min: number) {
  return z.preprocess((v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v), z.int().min(min));
}

/** A boolean; `"true"`/`"false"` strings (from `${VAR}` or an env override) are accepted. */
export function flag() {
  return z.preprocess(
    (v) => (typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : v),
    z.boolean(),
  );
}

/** A list of non-empty strings (comma-separated in env overrides). */
export function stringList() {
  return z.array(text());
}

/** `HOST:PORT`, IPv6 as `[::1]:9417`. */
export function hostPort() {
  return z.string().superRefine((s, ctx) => {
    if (!parseHostPort(s)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not HOST:PORT` });
  });
}

/** A Docker Engine address: `unix:///PATH`, `tcp://HOST:PORT`, `http://…` or `https://…`. */
export function dockerHost() {
  return z.string().superRefine((s, ctx) => {
    if (!dockerHostScheme(s)) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not unix:///PATH or tcp://HOST:PORT` });
    }
  });
}

/** The one container selector shape: `{ names?: [globs], labels?: { key: value-or-glob } }`. */
export function selector(): z.ZodType<ContainerSelector> {
  return z.strictObject({
    names: stringList().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  });
}

/** Options for a cross-field `superRefine`: run even when other fields failed, but only once `keys` parsed cleanly. */
export function whenValid(...keys: string[]): { when: (payload: z.core.ParsePayload) => boolean } {
  return { when: (payload) => !payload.issues.some((issue) => keys.includes(String(issue.path?.[0]))) };
}

/** How a value reads in an error: strings quoted, lists and mappings by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** A JavaScript regular expression source, checked by compiling it. */
export function regexSource() {
  return z.string().superRefine((s, ctx) => {
    try {
      new RegExp(s);
    } catch (err) {
      const reason = (err as Error).message.replace(/^Invalid regular expression: /, '');
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not a valid regular expression: ${reason}` });
    }
  });
}
