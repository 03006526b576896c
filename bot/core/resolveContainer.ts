import type { SelectableContainer } from '../../config/containerSelector';
import { closestMatch } from '../../config/suggest';
import { shown } from './commandParser';
import { compareNatural } from './naturalOrder';

/** The container a user's word names, or a message with suggestions. */
export type Resolution<T> = { ok: true; record: T } | { ok: false; error: string };

const MAX_SUGGESTIONS = 5;
const MIN_ID_PREFIX = 6;

/**
 * Resolves a user's word against the inventory only: the exact name, else a full or ≥6-character ID prefix, else a
 * unique name prefix; otherwise an error suggesting names among `suggestable` (those the user may act on), saying
 * `unknown` and the word when nothing is close.
 */
export function resolveContainer<T extends SelectableContainer & { id: string }>(
  word: string,
  records: readonly T[],
  suggestable: (record: T) => boolean = () => true,
  unknown = 'unknown container',
): Resolution<T> {
  const name = word.replace(/^\//, '');
  const exact = records.find((r) => r.name === name);
  if (exact) return { ok: true, record: exact };
  if (/^[0-9a-f]+$/.test(name) && name.length >= MIN_ID_PREFIX) {
    const byId = records.filter((r) => r.id.startsWith(name));
    if (byId.length === 1) return { ok: true, record: byId[0] as T };
  }
  const prefixed = records.filter((r) => r.name.startsWith(name));
  if (prefixed.length === 1) return { ok: true, record: prefixed[0] as T };
  const visible = records.filter(suggestable).map((r) => r.name);
  if (prefixed.length > 1) {
    const names = prefixed.filter(suggestable).map((r) => r.name);
    if (names.length > 0)
      return { ok: false, error: `${shown(word)} is ambiguous: ${list(names.sort(compareNatural))}` };
  }
  const near = new Set<string>();
  const close = closestMatch(name, visible);
  if (close) near.add(close);
  for (const n of visible.filter((v) => v.includes(name) || name.includes(v)).sort(compareNatural)) near.add(n);
  const hint = near.size ? `; did you mean ${list([...near])}?` : '';
  return { ok: false, error: `${unknown} ${shown(word)}${hint}` };
}

function list(names: readonly string[]): string {
  const head = names.slice(0, MAX_SUGGESTIONS).join(', ');
  return names.length > MAX_SUGGESTIONS ? `${head}, … (${names.length - MAX_SUGGESTIONS} more)` : head;
}
