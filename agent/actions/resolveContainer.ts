import type { ContainerRecord } from '../inventory/containerRecord';
import { ActionError } from './actionError';

const MAX_SUGGESTIONS = 3;

/** Names close to `wanted`: those containing it or contained in it, then those sharing its first letters. */
export function suggestNames(names: readonly string[], wanted: string): string[] {
  const w = wanted.toLowerCase();
  const scored = names
    .map((name) => {
      const n = name.toLowerCase();
      let prefix = 0;
      while (prefix < Math.min(n.length, w.length) && n[prefix] === w[prefix]) prefix++;
      const score = n.includes(w) || w.includes(n) ? 100 + prefix : prefix;
      return { name, score };
    })
    .filter((s) => s.score >= 3)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return scored.slice(0, MAX_SUGGESTIONS).map((s) => s.name);
}

/**
 * The container a user means by `wanted`: an exact name, or an ID of 12+ hex characters, among the containers
 * dockwatch watches. Anything else is refused with suggestions, so no raw user input reaches the engine.
 */
export function resolveContainer(records: readonly ContainerRecord[], wanted: string): ContainerRecord {
  const byName = records.find((r) => r.name === wanted);
  if (byName) return byName;
  if (/^[0-9a-f]{12,64}$/.test(wanted)) {
    const byId = records.filter((r) => r.id.startsWith(wanted));
    if (byId.length === 1 && byId[0]) return byId[0];
  }
  const suggestions = suggestNames(
    records.map((r) => r.name),
    wanted,
  );
  const hint = suggestions.length ? ` (did you mean ${suggestions.join(', ')}?)` : '';
  throw new ActionError('not-found', `no container named ${JSON.stringify(wanted.slice(0, 100))}${hint}`, suggestions);
}
