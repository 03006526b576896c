import { matchesGlob } from './glob';

/** `names`: globs, any may match; `labels`: key → value-or-glob, all must match; both: both; neither: nothing. */
export type ContainerSelector = {
  names?: string[];
  labels?: Record<string, string>;
};

/** The facts about a container that selectors look at. */
export type SelectableContainer = {
  /** Name without the leading slash. */
  name: string;
  labels: Record<string, string>;
};

/** The include/exclude pair used wherever containers are chosen (`containers`, later `logs`, alert rules, roles). */
export type IncludeExclude = {
  include: ContainerSelector;
  exclude: ContainerSelector;
};

/** Whether a selector constrains nothing and so matches no container. */
export function isEmptySelector(sel: ContainerSelector): boolean {
  return !sel.names?.length && Object.keys(sel.labels ?? {}).length === 0;
}

/** Whether `c` matches `sel` (see ContainerSelector for the rules). */
export function matchesSelector(c: SelectableContainer, sel: ContainerSelector): boolean {
  if (isEmptySelector(sel)) return false;
  if (sel.names?.length && !sel.names.some((pattern) => matchesGlob(pattern, c.name))) return false;
  for (const [key, pattern] of Object.entries(sel.labels ?? {})) {
    const value = c.labels[key];
    if (value === undefined || !matchesGlob(pattern, value)) return false;
  }
  return true;
}

/** Whether `c` is included and not excluded. */
export function isWatched(c: SelectableContainer, sel: IncludeExclude): boolean {
  return matchesSelector(c, sel.include) && !matchesSelector(c, sel.exclude);
}
