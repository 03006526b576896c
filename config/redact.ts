import { stringify } from 'yaml';
import { z } from 'zod';
import { formatDuration } from './duration';
import { isMapping } from './keyPath';
import type { Config } from './schema';
import { configSchema } from './schema';
import { unwrapField } from './schemaWalk';

/** What a set secret prints as. */
export const SECRET_PLACEHOLDER = '<secret>';

/** The config as a file would spell it: durations as `5s`, set secrets as `<secret>`, unset optionals left out. */
export function redactConfig(config: Config): Record<string, unknown> {
  return redactValue(configSchema, config) as Record<string, unknown>;
}

/** YAML of the effective configuration, safe to print or log (secrets as `<secret>`). */
export function renderEffectiveConfig(config: Config): string {
  return stringify(redactConfig(config));
}

function redactValue(schema: z.core.$ZodType, value: unknown): unknown {
  if (value === undefined) return undefined;
  const { schema: s, meta } = unwrapField(schema);
  if (meta.secret) return SECRET_PLACEHOLDER;
  if (meta.duration && typeof value === 'number') return formatDuration(value);
  if (s instanceof z.ZodObject && isMapping(value)) {
    const shape = s.shape as Record<string, z.core.$ZodType>;
    return mapValues(value, (item, key) =>
      Object.hasOwn(shape, key) ? redactValue(shape[key] as z.core.$ZodType, item) : item,
    );
  }
  if (s instanceof z.ZodRecord && isMapping(value)) return mapValues(value, (item) => redactValue(s.valueType, item));
  if (s instanceof z.ZodArray && Array.isArray(value)) return value.map((item) => redactValue(s.element, item));
  if (s instanceof z.ZodUnion) {
    return (s.options as readonly z.core.$ZodType[]).reduce<unknown>((v, option) => redactValue(option, v), value);
  }
  return value;
}

function mapValues(
  value: Record<string, unknown>,
  fn: (item: unknown, key: string) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const mapped = fn(item, key);
    if (mapped !== undefined) out[key] = mapped;
  }
  return out;
}
