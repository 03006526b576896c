import { z } from 'zod';
import type { FieldMeta } from './fields';
import { fieldMeta } from './fields';
import type { KeyPath } from './keyPath';

/** A schema with its wrappers (optional, defaults, pipes) stripped, and the field meta found on the way. */
export type Field = { schema: z.core.$ZodType; meta: FieldMeta };

/** What a leaf holds, as env overrides and the renderer need to know. */
export type LeafKind = 'string' | 'number' | 'boolean' | 'enum' | 'duration' | 'stringList';

/** A leaf of the config that a single env var can set. */
export type ConfigLeaf = { path: readonly string[]; kind: LeafKind };

/** Strips optional/default/prefault/nullable and pipes (to the validated side), merging the meta of every layer. */
export function unwrapField(schema: z.core.$ZodType): Field {
  let meta: FieldMeta = {};
  let s = schema;
  for (;;) {
    meta = { ...meta, ...fieldMeta.get(s) };
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in instanceof z.ZodTransform ? s.out : s.in;
    else return { schema: s, meta };
  }
}

/** The field at `path` (mapping keys, list indexes, record keys), or undefined when the schema has no such place. */
export function fieldAt(root: z.core.$ZodType, path: KeyPath): Field | undefined {
  let field = unwrapField(root);
  for (const segment of path) {
    const child = childSchema(field.schema, segment);
    if (!child) return undefined;
    field = unwrapField(child);
  }
  return field;
}

/** The keys a mapping field accepts, or undefined when it is not a fixed-key mapping. */
export function knownKeys(field: Field | undefined): string[] | undefined {
  return field?.schema instanceof z.ZodObject ? Object.keys(field.schema.shape) : undefined;
}

/** The kind of a scalar (or string-list) leaf; undefined for mappings, records and anything else. */
export function leafKind(field: Field): LeafKind | undefined {
  const s = field.schema;
  if (field.meta.duration) return 'duration';
  if (s instanceof z.ZodString) return 'string';
  if (s instanceof z.ZodNumber) return 'number';
  if (s instanceof z.ZodBoolean) return 'boolean';
  if (s instanceof z.ZodEnum) return 'enum';
  if (s instanceof z.ZodArray && unwrapField(s.element).schema instanceof z.ZodString) return 'stringList';
  return undefined;
}

/** Every leaf reachable through fixed-key mappings only (records, lists of mappings skipped), in schema order. */
export function configLeaves(root: z.core.$ZodType, prefix: readonly string[] = []): ConfigLeaf[] {
  const field = unwrapField(root);
  if (field.schema instanceof z.ZodObject) {
    const shape = field.schema.shape as Record<string, z.core.$ZodType>;
    return Object.entries(shape).flatMap(([key, child]) => configLeaves(child, [...prefix, key]));
  }
  const kind = leafKind(field);
  return kind && prefix.length > 0 ? [{ path: prefix, kind }] : [];
}

function childSchema(s: z.core.$ZodType, segment: string | number): z.core.$ZodType | undefined {
  if (s instanceof z.ZodObject && typeof segment === 'string') {
    return Object.hasOwn(s.shape, segment) ? (s.shape as Record<string, z.core.$ZodType>)[segment] : undefined;
  }
  if (s instanceof z.ZodArray && typeof segment === 'number') return s.element;
  if (s instanceof z.ZodRecord && typeof segment === 'string') return s.valueType;
  return undefined;
}
